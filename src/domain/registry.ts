// Which registry a container image is pulled from, as the container runtime resolves the reference.
import { buildRegistryHost } from "./dockerconfig";

const DOCKER_HUB_HOST = "docker.io";

/**
 * The registry host of an image reference, lowercased. The first path component is a host only when
 * it contains `.` or `:`, is `localhost`, or has upper-case letters (as distribution/reference
 * decides); otherwise the image is on Docker Hub. Docker Hub aliases become `docker.io`.
 */
export function buildImageRegistry(image: string): string {
  const ref = image.trim();
  const slash = ref.indexOf("/");
  if (slash < 0) return DOCKER_HUB_HOST;
  const first = ref.slice(0, slash);
  const isHost =
    first.includes(".") ||
    first.includes(":") ||
    first === "localhost" ||
    first !== first.toLowerCase();
  return isHost ? buildRegistryHost(first) : DOCKER_HUB_HOST;
}

interface ContainerLike {
  image?: string;
}

export interface PodLike {
  spec?: {
    containers?: ContainerLike[];
    initContainers?: ContainerLike[];
    ephemeralContainers?: ContainerLike[];
  };
}

/** Sorted unique registries of every container, init container and ephemeral container image. */
export function buildPodImageRegistries(pod: PodLike): string[] {
  const spec = pod.spec ?? {};
  const images = [
    ...(spec.containers ?? []),
    ...(spec.initContainers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ]
    .map(c => c.image?.trim() ?? "")
    .filter(image => image !== "");
  return [...new Set(images.map(buildImageRegistry))].sort();
}
