import * as vscode from 'vscode';
import { readGoalSetting, type Goal } from '../../core/compare/goals';

/** `runlog.metricGoals`, read into a map; entries that are not "min"/"max" are logged once per change. */
export function metricGoals(log?: vscode.LogOutputChannel): Map<string, Goal> {
  const { goals, problems } = readGoalSetting(vscode.workspace.getConfiguration('runlog').get('metricGoals'));
  for (const problem of problems) log?.warn(problem);
  return goals;
}
