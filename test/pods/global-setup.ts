// The `pods` project: the same cluster with one real node as the node project (test/node/global-setup.ts), but
// with no module running beside it: its test installs Cheiron with `npx pepr deploy`, as Pods on that node.
import { setupNode } from "../node/global-setup";

export default () => setupNode(false);
