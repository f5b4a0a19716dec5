import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // h5wasm holds one WebAssembly heap per process; files run in separate forks.
    pool: "forks",
    // pynwb judges every file the tests write (test/oracle/setup.ts).
    setupFiles: ["test/oracle/setup.ts"],
  },
});
