/**
 * Values printed as Python prints them, for the inspector's messages to read word for word as the NWB Inspector's
 * (which puts floats, datetimes, text and sizes in f-strings). No imports: the command line loads it with the
 * checks across files, before any reader.
 */
/**
 * A number as Python prints a float (`str(1.0)` is "1.0", `str(1e-05)` is "1e-05"): the NWB Inspector's messages
 * put floats in f-strings.
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
    const sign = exponent.startsWith("-") ? "-" : "+";
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  return Number.isInteger(x) ? `${x.toFixed(0)}.0` : String(x);
}

/**
 * A date-time as Python prints a datetime (`str(dt)`: "2020-01-01 10:00:00+01:00", microseconds when not 0): the
 * NWB Inspector's messages print pynwb's session_start_time so. Text that is not an ISO date-time is kept.
 */
export function pyDateTime(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text);
  if (!m) return text;
  const [, date, time, fraction, zone] = m;
  const seconds = time!.length === 5 ? `${time}:00` : time!;
  const micro = fraction === undefined || /^0+$/.test(fraction) ? "" : `.${fraction.slice(0, 6).padEnd(6, "0")}`;
  const offset = zone === undefined ? "" : zone === "Z" ? "+00:00" : zone.length === 3 ? `${zone}:00` : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${date} ${seconds}${micro}${offset}`;
}

/** Text as Python's `repr` prints it (`'yes'`; `"it's"`). */
export function pyStr(text: string): string {
  const escaped = text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
  return escaped.includes("'") && !escaped.includes('"') ? `"${escaped}"` : `'${escaped.replace(/'/g, "\\'")}'`;
}

/** A size in bytes as the NWB Inspector's `format_byte_size` prints it (SI: "28.00B", "1.50KB"). */
export function pyByteSize(bytes: number): string {
  let n = bytes;
  for (const prefix of ["", "K", "M", "G", "T", "P", "E", "Z"]) {
    if (Math.abs(n) < 1000) return `${n.toFixed(2)}${prefix}B`;
    n /= 1000;
  }
  return `${n.toFixed(2)}YB`;
}
