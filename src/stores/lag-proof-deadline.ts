/**
 * The command's answer, or a rejection after `ms`. Lag-proof: when the timer fires, the rejection
 * waits for the check phase of that loop turn, after the poll phase has read whatever Redis sent,
 * so a reply that arrived while the event loop was busy (a herd of requests) still wins. A plain
 * timer would fire first and turn a busy instance's every claim into a second upstream call.
 */
export function withDeadline<T>(command: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new Error(`Redis gave no answer within ${ms} ms`));
      });
    }, ms);
    command.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
