import { PeprModule } from "pepr";
import cfg from "./package.json";
import { Cheiron } from "./capabilities";

new PeprModule(cfg, [Cheiron]);
