/**
 * A port that is already taken, named with the setting that moves it, so the
 * message says what to do: "port 4318 (OTLP/HTTP receiver) is already in use;
 * choose another with --otlp-port or TELLTALE_OTLP_PORT".
 */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  readonly port: number;

  constructor(port: number, what: string, flag: string, env: string) {
    super(`port ${port} (${what}) is already in use; choose another with ${flag} or ${env}`);
    this.port = port;
  }
}

/** Runs `listen` and turns EADDRINUSE into a PortInUseError naming the setting. */
export async function listenOn<T>(
  listen: () => Promise<T>,
  port: number,
  what: string,
  setting: { flag: string; env: string },
): Promise<T> {
  try {
    return await listen();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new PortInUseError(port, what, setting.flag, setting.env);
    throw err;
  }
}
