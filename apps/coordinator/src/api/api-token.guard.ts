import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { SERVICE_CONFIG } from '@meridian/service';
import type { CoordinatorConfig } from '../config';

interface HttpRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** With MERIDIAN_API_TOKEN set, calls that change configuration need `Authorization: Bearer <token>`; reads stay open. */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly token: Buffer | undefined;

  constructor(@Inject(SERVICE_CONFIG) settings: Pick<CoordinatorConfig, 'MERIDIAN_API_TOKEN'>) {
    this.token = settings.MERIDIAN_API_TOKEN === undefined ? undefined : Buffer.from(settings.MERIDIAN_API_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    if (!this.token || request.method === 'GET' || request.method === 'HEAD') return true;
    const header = request.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!match?.[1]) throw new UnauthorizedException('this call changes configuration and needs an "Authorization: Bearer <token>" header (MERIDIAN_API_TOKEN)');
    const given = Buffer.from(match[1]);
    // Constant time, so the answer's timing does not reveal how much of the token matched.
    if (given.length !== this.token.length || !timingSafeEqual(given, this.token)) throw new ForbiddenException('the bearer token is not the one this coordinator accepts');
    return true;
  }
}
