/**
 * Turns a YARN app's diagnostics into one sentence that names the cause and the fix. A submit
 * answers 202 even for an unknown queue; the cause only shows in the failed app's diagnostics.
 */
export function explainDiagnostics(diagnostics: string, queue?: string): string {
  const d = diagnostics.trim();
  const unknownQueue = /unknown queue:?\s*'?([^\s',.]+)/i.exec(d) ?? /queue\s+'?([^\s']+)'?\s+(?:does not exist|not found)/i.exec(d);
  if (unknownQueue) {
    return `YARN rejected the application: unknown queue '${unknownQueue[1]}' (set kindling.yarn.queue / --queue to a leaf queue of the scheduler; see ${'/ws/v1/cluster/scheduler'}). YARN said: ${d}`;
  }
  if (/more (memory|cores|vcores)|maximum.allocation|greater than the maximum|Invalid resource request/i.test(d)) {
    return `YARN rejected the resource request: it is over the cluster's maximum container size (yarn.scheduler.maximum-allocation-mb / -vcores); lower kindling.driver.memory / kindling.yarn.am.memory, kindling.executor.memory or the memory overhead. YARN said: ${d}`;
  }
  if (/not (?:accepting|allowed)|access|acl|denied|cannot submit/i.test(d) && /queue/i.test(d)) {
    return `YARN refused the application in queue '${queue ?? 'default'}': the user may not submit there (acl_submit_applications) or the queue is stopped. YARN said: ${d}`;
  }
  const exit = /exit(?:ed with)?\s*code:?\s*(-?\d+)/i.exec(d);
  if (exit) {
    return `The ApplicationMaster container failed (exit code ${exit[1]}); its stdout/stderr are in the AM container's log directory (amContainerLogs, or 'yarn logs -applicationId <id>'). YARN said: ${d}`;
  }
  return d ? `YARN says: ${d}` : 'YARN gave no diagnostics';
}

/** Exit statuses YARN assigns to containers it ends (ContainerExitStatus). */
export function containerExitMessage(exitStatus: number, diagnostics: string): string {
  const d = diagnostics && diagnostics !== 'N/A' ? `: ${diagnostics.trim()}` : '';
  switch (exitStatus) {
    case -103:
    case -104:
      return `Container killed by YARN for exceeding ${exitStatus === -104 ? 'physical' : 'virtual'} memory limits (exit status ${exitStatus}); raise kindling.executor.memoryOverhead${d}`;
    case -100:
      return `Container released or its node was lost (exit status -100)${d}`;
    case -102:
      return `Container preempted by the scheduler (exit status -102)${d}`;
    case -101:
      return `Container's disks failed (exit status -101)${d}`;
    case -105:
      return `Container killed by the ApplicationMaster (exit status -105)${d}`;
    case -106:
      return `Container killed by the ResourceManager (exit status -106)${d}`;
    default:
      return `Container exited with code ${exitStatus}${d}`;
  }
}

/** Exits the app itself caused (count towards task and executor failure limits). */
export function exitCausedByApp(exitStatus: number): boolean {
  return exitStatus !== 0 && ![-100, -102, -105, -106, -107, -108].includes(exitStatus);
}
