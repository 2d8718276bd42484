import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { AddressInfo } from "node:net";
import { Exchange } from "./exchange";
import { FaultList } from "./faults";
import { RequestLog } from "./requestLog";
import { FaultRule } from "./types";

/** PEM text, or a path to a PEM file. */
function readPem(pemOrPath: string): string {
  return pemOrPath.includes("-----BEGIN") ? pemOrPath : readFileSync(pemOrPath, "utf8");
}

/** Delays that a fault rule added; `close` cancels them so no timer outlives the emulator. */
export class PendingDelays {
  private readonly timers = new Set<NodeJS.Timeout>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  cancelAll(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }
}

export interface ListenerSpec {
  /** Vault name, or "login" for the authority. */
  label: string;
  host: string;
  port: number;
  tls?: { cert: string; key: string };
  log: RequestLog;
  faults: FaultList;
  delays: PendingDelays;
  /** Sets `exchange.route`; returns false for requests that bypass logging and faults. */
  resolveRoute(exchange: Exchange): boolean;
  /** Sends the error response a fault rule requests, in this listener's body format. */
  sendFault(exchange: Exchange, rule: FaultRule & { status: number }): void;
  handle(exchange: Exchange): Promise<void>;
  /** Sends the response for an unexpected failure of `handle`. */
  sendFailure(exchange: Exchange, error: unknown): void;
}

export interface RunningListener {
  server: http.Server;
  port: number;
  scheme: "http" | "https";
  close(): Promise<void>;
}

async function serve(
  spec: ListenerSpec,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const exchange = new Exchange(req, res, spec.label, spec.log);
  const logged = spec.resolveRoute(exchange);
  if (!logged) {
    exchange.skipLog();
  }
  const target = { vault: spec.label, method: exchange.method, route: exchange.route };
  const rule = logged ? spec.faults.take({ ...target, path: exchange.path }) : undefined;
  if (rule?.delayMs) {
    await spec.delays.wait(rule.delayMs);
  }
  if (rule?.drop) {
    exchange.drop();
    return;
  }
  if (rule?.status !== undefined) {
    spec.sendFault(exchange, rule as FaultRule & { status: number });
    return;
  }
  try {
    await spec.handle(exchange);
  } catch (error) {
    spec.sendFailure(exchange, error);
  }
}

/** Starts an HTTP or HTTPS listener for one vault or the authority. */
export async function startListener(spec: ListenerSpec): Promise<RunningListener> {
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void serve(spec, req, res);
  };
  const server = spec.tls
    ? https.createServer({ cert: readPem(spec.tls.cert), key: readPem(spec.tls.key) }, onRequest)
    : http.createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code !== "EADDRINUSE") {
        reject(error);
        return;
      }
      const message =
        `Port ${spec.port} on ${spec.host} is already in use, so the ${spec.label} listener ` +
        "cannot start. Stop the other process or choose another port.";
      reject(new Error(message));
    };
    server.once("error", onError);
    server.listen(spec.port, spec.host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    scheme: spec.tls ? "https" : "http",
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
