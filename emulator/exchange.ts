import { randomUUID } from "node:crypto";
import { IncomingMessage, ServerResponse } from "node:http";
import { RequestLog } from "./requestLog";

/** Largest request body the emulator reads; Key Vault's own limits are far below it. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor() {
    super(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  }
}

/**
 * One request and its response. Sending the response adds the request to the log with the
 * status that was sent.
 */
export class Exchange {
  readonly requestId = randomUUID();
  readonly at = new Date();
  readonly url: URL;
  readonly method: string;
  route = "unknown";
  private done = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly vault: string,
    private log: RequestLog | undefined,
  ) {
    this.url = new URL(req.url ?? "/", "http://emulator.invalid");
    this.method = (req.method ?? "GET").toUpperCase();
  }

  /** Keeps this request out of the request log (control requests). */
  skipLog(): void {
    this.log = undefined;
  }

  /** Path with query string, as recorded in the request log. */
  get path(): string {
    return `${this.url.pathname}${this.url.search}`;
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  /** Reads the whole request body as UTF-8 text. */
  async readBody(): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > MAX_BODY_BYTES) {
        throw new BodyTooLargeError();
      }
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  /** Sends a response; `body` is serialized as JSON, and no body is sent when it is undefined. */
  send(status: number, body?: object, headers: Record<string, string> = {}): void {
    if (this.done) {
      return;
    }
    this.done = true;
    const text = body === undefined ? "" : JSON.stringify(body);
    const allHeaders: Record<string, string | number> = {
      "Cache-Control": "no-cache",
      Pragma: "no-cache",
      Expires: "-1",
      ...headers,
      "Content-Length": Buffer.byteLength(text),
    };
    if (body !== undefined) {
      allHeaders["Content-Type"] = "application/json; charset=utf-8";
    }
    this.res.writeHead(status, allHeaders);
    this.res.end(text);
    this.record(status);
  }

  /** Destroys the connection without a response, as a connection reset. */
  drop(): void {
    if (this.done) {
      return;
    }
    this.done = true;
    this.req.socket.destroy();
    this.record(0);
  }

  private record(status: number): void {
    this.log?.add({
      vault: this.vault,
      method: this.method,
      route: this.route,
      path: this.path,
      status,
      requestId: this.requestId,
      at: this.at,
    });
  }
}
