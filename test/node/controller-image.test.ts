// The Pepr controller image built here (scripts/image-build.ts, issue 25 #1), pushed to the open local registry and
// run by the real node the way pepr build's Deployments run it: image entrypoint node, args only, uid 65532, no
// privilege escalation, all capabilities dropped, the 512Mi limit. The container loads pepr from
// /app/node_modules and writes into /app (the controller writes /app/module-<hash>.js there).
import { CONTROLLER_UID } from "../../scripts/image-build";
import { apply, k, newNamespace } from "../integration/helpers";
import { pushTestControllerImage } from "./controller-image";
import { waitPodEnded } from "./pods";
import { describeNode } from "./state";

const SCRIPT = [
  `const fs = require("fs");`,
  `require("/app/node_modules/pepr");`,
  `const v = m => require("/app/node_modules/" + m + "/package.json").version;`,
  `fs.writeFileSync("/app/module-test.js", "");`,
  `console.log("pepr " + v("pepr") + ", kubernetes-fluent-client " + v("kubernetes-fluent-client") + ", node " + process.version + ", uid " + process.getuid() + ", cwd " + process.cwd() + ", /app writable");`,
].join(" ");

describeNode("the Pepr controller image built here, on a real node", () => {
  test("a Pod of it, run as the generated Deployments run it, loads pepr from /app and writes into /app", async () => {
    const image = pushTestControllerImage();
    const ns = await newNamespace("node-image");
    const uid = CONTROLLER_UID;
    await apply(
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "controller", namespace: ns },
        spec: {
          restartPolicy: "Never",
          securityContext: { runAsUser: uid, runAsGroup: uid, runAsNonRoot: true, fsGroup: uid },
          containers: [
            {
              name: "app",
              image,
              imagePullPolicy: "Always",
              args: ["-e", SCRIPT],
              resources: { limits: { memory: "512Mi", cpu: "500m" } },
              securityContext: {
                runAsUser: uid,
                runAsGroup: uid,
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
              },
            },
          ],
        },
      }),
    );
    const { phase, log } = await waitPodEnded(ns, "controller");
    expect({ phase, log }).toEqual({
      phase: "Succeeded",
      log: expect.stringContaining(
        `pepr 1.1.4, kubernetes-fluent-client 3.11.6, node v20.20.2, uid ${uid}, cwd /app, /app writable`,
      ),
    });
    await k(["delete", "namespace", ns, "--wait=false"]);
  });
});
