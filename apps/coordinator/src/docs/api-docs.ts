import { type INestApplication, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { openApiDocument } from './openapi';

/**
 * Serves the OpenAPI document at /docs/openapi.json and Swagger UI at /docs.
 *
 * The application object stays inside runService, so the routes are added here, through
 * the HTTP adapter, during module init: after the controllers' routes and before Nest's
 * not-found handler. SwaggerModule.setup uses no more of the application than the two
 * methods given to it.
 */
@Injectable()
export class ApiDocs implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    const app = {
      getHttpAdapter: () => adapter,
      useStaticAssets: (path: string, options: object) => {
        adapter.useStaticAssets(path, options);
      },
    } as unknown as INestApplication;
    SwaggerModule.setup('docs', app, openApiDocument(), { jsonDocumentUrl: 'docs/openapi.json', yamlDocumentUrl: 'docs/openapi.yaml' });
  }
}
