// The whole corpus, for the unit runner (corpus.test.ts) and the integration test (test/integration/corpus.test.ts).
import { nameCases } from "./managers.names";
import { registryCases } from "./managers.registry";
import { typeCases } from "./managers.types";
import type { ManagerCase } from "./types";

export { sourceCases } from "./sources";
export type { ClusterOutcome, ManagerCase, Outcome, SourceCase } from "./types";
export const managerCases: ManagerCase[] = [...typeCases, ...registryCases, ...nameCases];
