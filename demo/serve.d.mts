// Types for demo/serve.mjs, so TypeScript tests can import it (tsconfig has allowJs: false).

export declare const DEMO_DIR: string;

export interface DemoServerOptions {
  /** Directory to serve; defaults to the demo folder. */
  dir?: string;
  /** Port of origin A (http://127.0.0.1:portA); 0 = any free port. */
  portA?: number;
  /** Port of origin B (http://localhost:portB); 0 = any free port. */
  portB?: number;
}

export interface DemoServer {
  /** `http://127.0.0.1:<portA>` */
  readonly originA: string;
  /** `http://localhost:<portB>` */
  readonly originB: string;
  /** Absolute URL of `path` on origin 'A' (default) or 'B'. */
  url(path?: string, which?: 'A' | 'B'): string;
  /** Stops both listeners and drops open connections. */
  close(): Promise<void>;
}

export declare function startDemoServer(options?: DemoServerOptions): Promise<DemoServer>;
