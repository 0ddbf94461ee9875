import { Controller, type Type, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, type KafkaContext, Payload } from '@nestjs/microservices';
import { RedeliverOnFailure } from '@meridian/service';
import { ReservationHandler } from './reservation-handler';

/**
 * The consumer of the reservations topic. A class per topic name, since `@EventPattern`
 * takes it when the class is declared and the name is a setting.
 */
export function reservationEventsController(topic: string): Type {
  @Controller()
  @UseFilters(RedeliverOnFailure)
  class ReservationEventsController {
    constructor(private readonly handler: ReservationHandler) {}

    @EventPattern(topic)
    async onReservation(@Payload() value: unknown, @Ctx() context: KafkaContext): Promise<void> {
      await this.handler.handle(value, `${context.getTopic()}/${context.getPartition()}@${context.getMessage().offset}`, context.getHeartbeat());
    }
  }
  return ReservationEventsController;
}
