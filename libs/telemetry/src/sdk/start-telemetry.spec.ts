import { createServer } from 'node:net';
import { trace } from '@opentelemetry/api';
import { freePort } from '@flotilla/testing';
import { activeTelemetry, startTelemetry } from './start-telemetry.js';

describe('startTelemetry', () => {
  it('fails naming FLOTILLA_METRICS_PORT when the Prometheus port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(
        startTelemetry({ serviceName: 'svc', env: { FLOTILLA_METRICS_PORT: String(port) } }),
      ).rejects.toThrow(
        `cannot serve Prometheus metrics on 127.0.0.1:${port} (FLOTILLA_METRICS_PORT): listen EADDRINUSE`,
      );
      expect(activeTelemetry()).toBeUndefined();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('serves /metrics on loopback until shut down, once per process', async () => {
    const port = await freePort();
    const telemetry = await startTelemetry({
      serviceName: 'svc',
      env: { FLOTILLA_METRICS_PORT: String(port) },
    });
    try {
      expect(telemetry.prometheusUrl).toBe(`http://127.0.0.1:${port}/metrics`);
      expect(activeTelemetry()).toBe(telemetry);
      await expect(startTelemetry({ serviceName: 'again', env: {} })).rejects.toThrow(
        'startTelemetry: telemetry is already started in this process',
      );
      const response = await fetch(telemetry.prometheusUrl!);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('service_name="svc"');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await telemetry.shutdown();
    }
    expect(activeTelemetry()).toBeUndefined();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('prints spans to stdout with FLOTILLA_TELEMETRY_CONSOLE=1', async () => {
    const printed: unknown[] = [];
    const dir = vi.spyOn(console, 'dir').mockImplementation((value: unknown) => void printed.push(value));
    const telemetry = await startTelemetry({ serviceName: 'svc', env: { FLOTILLA_TELEMETRY_CONSOLE: '1' } });
    try {
      trace.getTracer('test').startSpan('console-check').end();
      await telemetry.flush();
      expect(printed).toContainEqual(expect.objectContaining({ name: 'console-check' }));
    } finally {
      await telemetry.shutdown();
      dir.mockRestore();
    }
  });
});
