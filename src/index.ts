/** Paddock's programmatic API: the same operations as the CLI, typed. */
export { up, type Environment, type UpOptions } from "./api/up.js";
export { buildImages, type BuildImagesOptions } from "./api/build-images.js";
export type { BuiltImage } from "./build/build-image.js";
export { findStackFile, loadStack } from "./config/load.js";
export type { Stack } from "./config/stack.js";
export { buildPlan } from "./plan/build-plan.js";
export { estimateStack } from "./plan/estimate.js";
export type { Plan, PlanTask, Strategy } from "./plan/types.js";
export type { Profile, ProfileTask } from "./profile/types.js";
export type { Endpoint } from "./providers/types.js";
export { runStack, type RunStackOptions, type RunStackOutcome } from "./run/run-stack.js";
export type { SchedulerEvent } from "./scheduler/events.js";
export { ConfigError, ConfigErrors, PaddockError } from "./errors.js";
