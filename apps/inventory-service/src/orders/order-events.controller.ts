import { Controller, type Type, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, type KafkaContext, Payload } from '@nestjs/microservices';
import { RedeliverOnFailure } from '@meridian/service';
import { OrderHandler } from './order-handler';

/**
 * The consumer of the orders topic. A class per topic name, since `@EventPattern` takes
 * it when the class is declared and the name is a setting.
 */
export function orderEventsController(topic: string): Type {
  @Controller()
  @UseFilters(RedeliverOnFailure)
  class OrderEventsController {
    constructor(private readonly handler: OrderHandler) {}

    @EventPattern(topic)
    async onOrder(@Payload() value: unknown, @Ctx() context: KafkaContext): Promise<void> {
      await this.handler.handle(value, `${context.getTopic()}/${context.getPartition()}@${context.getMessage().offset}`, context.getHeartbeat());
    }
  }
  return OrderEventsController;
}
