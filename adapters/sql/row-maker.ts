/**
 * Rows read as arrays, made into objects of one shape. Drivers that build a row object
 * property by property (better-sqlite3 through V8's API, pg in a loop of keyed stores)
 * spend more on it than on reading the values; read as arrays, each row is stamped from
 * an object literal compiled once for its columns, which V8 makes from one boilerplate.
 * Where the host's Node refuses code generation from strings
 * (`--disallow-code-generation-from-strings`), a loop sets the columns in order instead.
 * Duplicate column names keep the last value, as the drivers' own objects do; a column
 * named `__proto__` becomes an own property, never the prototype.
 */

/** Makes one row object from its values, in column order. */
export type RowMaker = (values: readonly unknown[]) => Record<string, unknown>;

export function rowMaker(names: readonly string[]): RowMaker {
  if (!names.includes('__proto__')) {
    try {
      const fields = names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ');
      return new Function('v', `return { ${fields} };`) as RowMaker;
    } catch {
      // Code generation from strings is off: the loop below.
    }
  }
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      Object.defineProperty(row, names[i]!, { value: values[i], writable: true, enumerable: true, configurable: true });
    }
    return row;
  };
}
