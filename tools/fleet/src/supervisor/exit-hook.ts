/**
 * Process groups still running. If the fleet exits any other way than through an orderly stop
 * (a crash, process.exit), the exit hook SIGKILLs them, so no child outlives it.
 */
const liveGroups = new Set<number>();
let installed = false;

export function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (installed) return;
  installed = true;
  process.on('exit', killAllGroups);
}

export function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    // ESRCH: the group is already gone.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export function killAllGroups(): void {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}
