// The expression language of calculated signals, as a pure parser (no eval): arithmetic over the
// host asset's signals, aggregates over the hierarchy and rolling windows, with the unit each
// expression has (docs/plant.md, "Calculated signals").
//
//   expr     := term (('+' | '-') term)*
//   term     := unary (('*' | '/') unary)*
//   unary    := '-' unary | primary
//   primary  := number | name | '(' expr ')' | fn '(' args ')'
//   name     := identifier | "quoted name"                         a signal of the host asset
//   scoped   := ('line' | 'site' | 'children') '.' name             that signal on each asset in scope
//   sum|avg|min|max|count(scoped)                                   aggregate over the hierarchy
//   min|max(expr, expr, ...)  abs(expr)                             scalar functions
//   rolling_mean|rolling_min|rolling_max|rolling_sum(name, 15m)     over a trailing window (s, m, h)

export type HierarchyScope = 'line' | 'site' | 'children';
export type Aggregate = 'sum' | 'avg' | 'min' | 'max' | 'count';
export type Rolling = 'rolling_mean' | 'rolling_min' | 'rolling_max' | 'rolling_sum';

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'signal'; name: string }
  | { kind: 'aggregate'; fn: Aggregate; scope: HierarchyScope; name: string }
  | { kind: 'rolling'; fn: Rolling; name: string; windowMs: number }
  | { kind: 'negate'; operand: Expr }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr }
  | { kind: 'call'; fn: 'min' | 'max' | 'abs'; args: Expr[] };

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at character ${position + 1})`);
  }
}

/** Longest expression and deepest nesting accepted, so a parse is always cheap. */
const MAX_LENGTH = 2_000;
const MAX_DEPTH = 32;
/** Longest rolling window: a day. */
export const MAX_WINDOW_MS = 86_400_000;

const SCOPES: readonly string[] = ['line', 'site', 'children'];
const AGGREGATES: readonly string[] = ['sum', 'avg', 'min', 'max', 'count'];
const ROLLING: readonly string[] = ['rolling_mean', 'rolling_min', 'rolling_max', 'rolling_sum'];
const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

type Token =
  | { type: 'number'; value: number; at: number }
  | { type: 'name'; value: string; quoted: boolean; at: number }
  | { type: 'duration'; ms: number; at: number }
  | { type: 'op'; value: string; at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^(\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?([smh](?![A-Za-z0-9_]))?/.exec(source.slice(i));
      if (!match) throw new ExpressionError('a number is malformed', i);
      const value = Number(match[0].replace(/[smh]$/, ''));
      if (match[2]) tokens.push({ type: 'duration', ms: value * DURATION_UNITS[match[2]]!, at: i });
      else tokens.push({ type: 'number', value, at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))![0];
      tokens.push({ type: 'name', value: name, quoted: false, at: i });
      i += name.length;
    } else if (c === '"') {
      const end = source.indexOf('"', i + 1);
      if (end < 0) throw new ExpressionError('a quoted signal name is not closed', i);
      const name = source.slice(i + 1, end);
      if (name.length === 0 || name.length > 120) throw new ExpressionError('a quoted signal name has 1 to 120 characters', i);
      tokens.push({ type: 'name', value: name, quoted: true, at: i });
      i = end + 1;
    } else if ('+-*/(),.'.includes(c)) {
      tokens.push({ type: 'op', value: c, at: i });
      i += 1;
    } else {
      throw new ExpressionError(`unexpected character '${c}'`, i);
    }
  }
  return tokens;
}

/** Parses an expression, or throws an ExpressionError saying what is wrong and where. */
export function parseExpression(source: string): Expr {
  if (source.length > MAX_LENGTH) throw new ExpressionError(`an expression has at most ${MAX_LENGTH} characters`, MAX_LENGTH);
  const tokens = tokenize(source);
  let next = 0;
  const peek = () => tokens[next];
  const at = () => peek()?.at ?? source.length;
  const isOp = (value: string) => peek()?.type === 'op' && (peek() as { value: string }).value === value;
  const expect = (value: string) => {
    if (!isOp(value)) throw new ExpressionError(`expected '${value}'`, at());
    next += 1;
  };

  const signalName = (): string => {
    const token = peek();
    if (token?.type !== 'name') throw new ExpressionError('expected a signal name', at());
    next += 1;
    return token.value;
  };

  const expr = (depth: number): Expr => {
    if (depth > MAX_DEPTH) throw new ExpressionError(`an expression nests at most ${MAX_DEPTH} levels deep`, at());
    let left = term(depth);
    while (isOp('+') || isOp('-')) {
      const op = (tokens[next++] as { value: '+' | '-' }).value;
      left = { kind: 'binary', op, left, right: term(depth) };
    }
    return left;
  };
  const term = (depth: number): Expr => {
    let left = unary(depth);
    while (isOp('*') || isOp('/')) {
      const op = (tokens[next++] as { value: '*' | '/' }).value;
      left = { kind: 'binary', op, left, right: unary(depth) };
    }
    return left;
  };
  const unary = (depth: number): Expr => {
    if (isOp('-')) {
      next += 1;
      return { kind: 'negate', operand: unary(depth + 1) };
    }
    return primary(depth);
  };
  const primary = (depth: number): Expr => {
    const token = peek();
    if (!token) throw new ExpressionError('the expression ends too soon', source.length);
    if (token.type === 'number') {
      next += 1;
      return { kind: 'number', value: token.value };
    }
    if (token.type === 'duration') throw new ExpressionError('a duration such as 15m belongs only in a rolling function', token.at);
    if (token.type === 'op') {
      if (token.value !== '(') throw new ExpressionError(`unexpected '${token.value}'`, token.at);
      next += 1;
      const inner = expr(depth + 1);
      expect(')');
      return inner;
    }
    next += 1;
    if (token.quoted || !isOp('(')) {
      if (!token.quoted && SCOPES.includes(token.value) && isOp('.')) {
        throw new ExpressionError(`${token.value}.… names a signal on several assets: aggregate it with sum, avg, min, max or count`, token.at);
      }
      return { kind: 'signal', name: token.value };
    }
    next += 1;
    return call(token.value, token.at, depth);
  };
  const call = (fn: string, position: number, depth: number): Expr => {
    if (ROLLING.includes(fn)) {
      const name = signalName();
      expect(',');
      const window = peek();
      if (window?.type !== 'duration') throw new ExpressionError(`${fn} takes a window such as 30s, 15m or 2h`, at());
      if (window.ms <= 0 || window.ms > MAX_WINDOW_MS) throw new ExpressionError('a rolling window lasts more than 0 and at most 24h', window.at);
      next += 1;
      expect(')');
      return { kind: 'rolling', fn: fn as Rolling, name, windowMs: window.ms };
    }
    const scope = peek();
    if (
      AGGREGATES.includes(fn) &&
      scope?.type === 'name' &&
      !scope.quoted &&
      SCOPES.includes(scope.value) &&
      tokens[next + 1]?.type === 'op' &&
      isOpAt(tokens[next + 1]!, '.')
    ) {
      next += 2;
      const name = signalName();
      expect(')');
      return { kind: 'aggregate', fn: fn as Aggregate, scope: scope.value as HierarchyScope, name };
    }
    if (fn !== 'min' && fn !== 'max' && fn !== 'abs') {
      throw new ExpressionError(
        AGGREGATES.includes(fn)
          ? `${fn} aggregates a signal over line, site or children, e.g. ${fn}(line.power)`
          : `unknown function ${fn}; use sum, avg, min, max, count, abs or rolling_mean, rolling_min, rolling_max, rolling_sum`,
        position,
      );
    }
    const args = [expr(depth + 1)];
    while (isOp(',')) {
      next += 1;
      args.push(expr(depth + 1));
    }
    expect(')');
    if (fn === 'abs' ? args.length !== 1 : args.length < 2)
      throw new ExpressionError(fn === 'abs' ? 'abs takes one argument' : `${fn} of values takes two or more arguments`, position);
    return { kind: 'call', fn, args };
  };

  const result = expr(0);
  if (next < tokens.length) throw new ExpressionError('unexpected text after the expression', at());
  return result;
}

function isOpAt(token: Token, value: string): boolean {
  return token.type === 'op' && token.value === value;
}

/** Every signal an expression reads, with the scope it is read over ('self' for the host asset). */
export function referencesOf(e: Expr): { scope: HierarchyScope | 'self'; name: string }[] {
  switch (e.kind) {
    case 'number':
      return [];
    case 'signal':
    case 'rolling':
      return [{ scope: 'self', name: e.name }];
    case 'aggregate':
      return [{ scope: e.scope, name: e.name }];
    case 'negate':
      return referencesOf(e.operand);
    case 'binary':
      return [...referencesOf(e.left), ...referencesOf(e.right)];
    case 'call':
      return e.args.flatMap(referencesOf);
  }
}

/** The longest time an expression looks back beyond its inputs' latest points (its rolling windows). */
export function lookbackMs(e: Expr): number {
  switch (e.kind) {
    case 'rolling':
      return e.windowMs;
    case 'negate':
      return lookbackMs(e.operand);
    case 'binary':
      return Math.max(lookbackMs(e.left), lookbackMs(e.right));
    case 'call':
      return Math.max(0, ...e.args.map(lookbackMs));
    default:
      return 0;
  }
}
