import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const BASE_CONFIG = fileURLToPath(new URL('../../../../tsconfig.base.json', import.meta.url));

interface Diagnostic {
  code: number;
  line: number;
  text: string;
}

const FIXTURE_FILES = [
  'valid-controller.ts',
  'missing-method.ts',
  'misnamed-method.ts',
  'wrong-request-type.ts',
  'wrong-reply-type.ts',
  'wrong-call-shape.ts',
  'implements-missing-method.ts',
];

/**
 * Type-checks the fixtures with the workspace's compiler settings, as `tsc --noEmit` would, in one
 * program (loading Nest's and rxjs's types once); returns each fixture's diagnostics.
 */
function compileFixtures(): Map<string, Diagnostic[]> {
  const { config } = ts.readConfigFile(BASE_CONFIG, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, FIXTURES);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    composite: false,
    declaration: false,
    declarationMap: false,
    types: ['node'],
  };
  const program = ts.createProgram(
    FIXTURE_FILES.map((f) => `${FIXTURES}${f}`),
    options,
  );
  const result = new Map<string, Diagnostic[]>(FIXTURE_FILES.map((f) => [f, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const fixture = d.file?.fileName.slice(FIXTURES.length);
    const list = fixture === undefined ? undefined : result.get(fixture);
    if (!list)
      throw new Error(
        `diagnostic outside the fixtures: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    list.push({
      code: d.code,
      line: d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
      text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    });
  }
  return result;
}

describe('handlers are checked against the service definition at compile time (tsc on fixtures)', () => {
  let diagnostics: Map<string, Diagnostic[]>;
  const compile = (fixture: string) => diagnostics.get(fixture)!;
  beforeAll(() => {
    diagnostics = compileFixtures();
  }, 180_000);

  it('compiles a controller with every method and the right types', () => {
    expect(compile('valid-controller.ts')).toEqual([]);
  });

  it.each([
    ['missing-method.ts', "Property 'sayHelloBidi' is missing"],
    ['misnamed-method.ts', "Property 'sayHello' is missing"],
    ['wrong-request-type.ts', "Type 'string' is not assignable to type 'number'"],
    [
      'wrong-reply-type.ts',
      "Type '{ greeting: string; }' is not assignable to type 'HelloReply | Promise<HelloReply> | Observable<HelloReply>'",
    ],
    [
      'wrong-call-shape.ts',
      "Type 'HelloReply' is not assignable to type 'Observable<HelloReply> | AsyncIterable<HelloReply>'",
    ],
  ])('rejects %s at the @RpcController decorator', (fixture, message) => {
    const diagnostics = compile(fixture);
    expect(diagnostics.length).toBeGreaterThan(0);
    // The decorator is on line 6 of every fixture.
    expect(diagnostics.map((d) => d.line)).toContain(6);
    expect(diagnostics.map((d) => d.text).join('\n')).toContain(message);
  });

  it('rejects a class that implements ServiceHandlers but lacks a method', () => {
    const diagnostics = compile('implements-missing-method.ts');
    expect(diagnostics.map((d) => d.code)).toContain(2420); // Class incorrectly implements interface.
    expect(diagnostics.map((d) => d.text).join('\n')).toContain(
      "missing the following properties from type 'ServiceHandlers",
    );
  });
});
