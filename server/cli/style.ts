import { styleText } from "node:util";

type Format = Parameters<typeof styleText>[0];

// Colour only for a terminal that wants it: hasColors() honours NO_COLOR and FORCE_COLOR.
const colour = process.stderr.isTTY && process.stderr.hasColors();
const paint = (format: Format) => (text: string) => (colour ? styleText(format, text) : text);

export const style = {
  bold: paint("bold"),
  dim: paint("dim"),
  red: paint("red"),
  green: paint("green"),
  yellow: paint("yellow"),
  cyan: paint("cyan"),
};
