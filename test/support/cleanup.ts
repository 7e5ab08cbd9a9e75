import { afterAll } from "vitest";
import { removeTempDirs } from "./temp.ts";

// Every test file: what it made under the temp folder goes when it ends, whatever a test forgot.
afterAll(removeTempDirs);
