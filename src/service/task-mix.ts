import { InvalidOptionError } from '../errors/index.js';
import { Prng } from '../random/index.js';
import { createFeatureClassTask, createNextTokenTask, mixNamedSeed, type Task } from '../task/index.js';
import type { ValidatorConfig } from './options.js';

/*
 * The task mix: the config's tasks built once, and the task of each step drawn by their weights from a stream named by
 * the validator's secret seed and the step (a redone step uses the same task, hence the same queries).
 */

/** The tasks of the mix, built once. */
export function buildTasks(config: ValidatorConfig): Array<{ task: Task; weight: number }> {
  return config.tasks.map((t, i) => {
    try {
      const task = t.name === 'feature-class' ? createFeatureClassTask((t.options ?? {}) as never) : createNextTokenTask((t.options ?? {}) as never);
      return { task: task as unknown as Task, weight: t.weight };
    } catch (e) {
      throw new InvalidOptionError(`config.tasks[${i}].options`, (e as Error).message.replace(/^option /, ''));
    }
  });
}

/** The task of a step: drawn by the mix's weights from a stream named by the seed and the step. */
export function taskOf(tasks: ReadonlyArray<{ task: Task; weight: number }>, seed: number, step: number): Task {
  if (tasks.length === 1) return (tasks[0] as { task: Task }).task;
  const total = tasks.reduce((s, t) => s + t.weight, 0);
  let x = new Prng(mixNamedSeed('task-mix', seed, step)).next() * total;
  for (const t of tasks) {
    x -= t.weight;
    if (x < 0) return t.task;
  }
  return (tasks[tasks.length - 1] as { task: Task }).task;
}
