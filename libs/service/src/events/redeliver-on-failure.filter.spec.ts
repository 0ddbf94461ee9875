import { Controller, UseFilters } from '@nestjs/common';
import { type CustomTransportStrategy, EventPattern, Payload, Server } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { RedeliverOnFailure } from './redeliver-on-failure.filter';

/** A transport that only hands records to the handlers when told to, as Kafka's server would. */
class ManualTransport extends Server implements CustomTransportStrategy {
  listen(callback: () => void): void {
    callback();
  }
  close(): void {}
  on(): void {}
  unwrap(): never {
    throw new Error('nothing to unwrap');
  }
  deliver(pattern: string, data: unknown): Promise<unknown> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`no handler for ${pattern}`);
    return handler(data);
  }
}

@Controller()
class FailingEvents {
  @EventPattern('guarded')
  @UseFilters(RedeliverOnFailure)
  guarded(@Payload() value: string): void {
    throw new Error(`cannot handle ${value}`);
  }

  @EventPattern('unguarded')
  unguarded(@Payload() value: string): void {
    throw new Error(`cannot handle ${value}`);
  }
}

describe('RedeliverOnFailure', () => {
  it("lets an event handler's failure reach the transport, which Nest's default would swallow", async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [FailingEvents] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    const transport = new ManualTransport();
    app.connectMicroservice({ strategy: transport });
    await app.init();
    await app.startAllMicroservices();
    try {
      await expect(transport.deliver('guarded', 'order 1')).rejects.toThrow('cannot handle order 1');
      // Without the filter the record would count as handled, and its offset be committed.
      await expect(transport.deliver('unguarded', 'order 2')).resolves.toBeDefined();
    } finally {
      await app.close();
    }
  });
});
