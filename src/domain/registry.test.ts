import { buildImageRegistry, buildPodImageRegistries } from "./registry";

describe("buildImageRegistry", () => {
  it.each([
    ["nginx", "docker.io"],
    ["nginx:1.27", "docker.io"],
    ["library/nginx", "docker.io"],
    ["user/app:1", "docker.io"],
    ["nginx@sha256:" + "a".repeat(64), "docker.io"],
    ["user/app@sha256:" + "b".repeat(64), "docker.io"],
    ["ghcr.io/o/i:t", "ghcr.io"],
    ["localhost/x", "localhost"],
    ["localhost:5000/x", "localhost:5000"],
    ["registry.example.com:5000/a/b@sha256:" + "c".repeat(64), "registry.example.com:5000"],
    ["Registry.Example.COM/a", "registry.example.com"],
    ["MyHost/a", "myhost"],
    ["docker.io/x", "docker.io"],
    ["docker.io/library/nginx:latest", "docker.io"],
    ["index.docker.io/x", "docker.io"],
    ["registry-1.docker.io/x", "docker.io"],
    ["quay.io/org/img", "quay.io"],
    ["[::1]:5000/img", "[::1]:5000"],
  ])("%s -> %s", (image, registry) => expect(buildImageRegistry(image)).toBe(registry));
});

describe("buildPodImageRegistries", () => {
  it.each([
    [{}, []],
    [{ spec: {} }, []],
    [{ spec: { containers: [{ image: "nginx" }, { image: "library/redis" }] } }, ["docker.io"]],
    [
      {
        spec: {
          containers: [{ image: "quay.io/a/b" }, {}],
          initContainers: [{ image: "ghcr.io/o/init" }, { image: "" }],
          ephemeralContainers: [{ image: "busybox" }, { image: "quay.io/debug" }],
        },
      },
      ["docker.io", "ghcr.io", "quay.io"],
    ],
  ])("%j -> %j", (pod, registries) => expect(buildPodImageRegistries(pod)).toEqual(registries));
});
