/** `npm run cli -- panel:draft` (stub, being built). */

/** Runs the command; returns the process exit code. */
export async function runPanelDraft(_args: string[]): Promise<number> {
  console.error("panel:draft is not built yet");
  return 2;
}
