import { existsSync } from 'node:fs';
import { HelloReply, HelloRequest, GreeterService, protoFile } from '../src/index.js';

describe('@flotilla/proto', () => {
  it('round-trips a HelloRequest through the generated codec', () => {
    const bytes = HelloRequest.encode({ name: 'Ada', count: 3 }).finish();
    expect(HelloRequest.decode(bytes)).toEqual({ name: 'Ada', count: 3 });
    expect(HelloReply.fromJSON({ message: 'Hello Ada' }).message).toBe('Hello Ada');
  });

  it('describes all four Greeter call shapes', () => {
    const shapes = Object.fromEntries(
      Object.entries(GreeterService).map(([name, m]) => [name, [m.requestStream, m.responseStream]]),
    );
    expect(shapes).toEqual({
      sayHello: [false, false],
      sayHelloServerStream: [false, true],
      sayHelloClientStream: [true, false],
      sayHelloBidi: [true, true],
    });
    expect(GreeterService.sayHello.path).toBe('/helloworld.v1.Greeter/SayHello');
  });

  it('locates .proto files and names a missing one', () => {
    expect(existsSync(protoFile('helloworld/v1/greeter.proto'))).toBe(true);
    expect(() => protoFile('nope/v1/missing.proto')).toThrow(/proto file not found: nope\/v1\/missing.proto/);
  });
});
