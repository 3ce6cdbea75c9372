/** What every image builder (docker, podman) offers the build step. */
export interface BuildRequest {
  image: string;
  tag: string;
  /** More tags for the same image (readable names). */
  extraTags: string[];
  dockerfile: string;
  context: string;
  args: Record<string, string>;
  target: string | undefined;
  network: string | undefined;
  noCache: boolean;
  /** Registry images to take layers from. */
  cacheFrom: string[];
  /** Write BuildKit inline cache metadata into the image, so a build elsewhere can take its layers (a cache registry is in use). */
  inlineCache: boolean;
  logFile: string | undefined;
  signal: AbortSignal | undefined;
  onLine?: (line: string) => void;
}

export interface ImageBuilder {
  readonly name: "docker" | "podman";
  /** The CLI that can also save or inspect images (for loading into kind). */
  readonly bin: string;
  /**
   * Builds can take layers from a registry image's inline cache (`--cache-from`, BuildKit): an
   * image the cache registry has is then rebuilt from its layers (only those above local bases
   * are fetched) instead of pulled whole.
   */
  readonly importsRegistryCache: boolean;
  imageId(ref: string, signal?: AbortSignal): Promise<string | undefined>;
  build(request: BuildRequest): Promise<void>;
  pull(ref: string, signal?: AbortSignal): Promise<void>;
}
