import { buildTask } from "./build.js";
import { collectCoverageTask } from "./collect-coverage.js";
import { summarizeCoverageTask } from "./summarize-coverage.js";
import { deployTask } from "./deploy.js";
import { envBootstrapTask } from "./env-bootstrap.js";
import { envCreateTask } from "./env-create.js";
import { envDeleteTask } from "./env-delete.js";
import { jobTask } from "./job.js";
import type { TaskKind } from "./kinds.js";
import { loadTask } from "./load.js";
import { testTask } from "./test.js";
import type { TaskKindDefinition } from "./types.js";

const DEFINITIONS: Record<TaskKind, TaskKindDefinition> = {
  build: buildTask,
  "env:create": envCreateTask,
  "env:bootstrap": envBootstrapTask,
  load: loadTask,
  deploy: deployTask,
  job: jobTask,
  test: testTask,
  "collect:coverage": collectCoverageTask,
  "summarize:coverage": summarizeCoverageTask,
  "env:delete": envDeleteTask,
};

/** Everything about one kind of task: phase, resource, default duration, timeout, action. */
export function taskKind(kind: TaskKind): TaskKindDefinition {
  return DEFINITIONS[kind];
}
