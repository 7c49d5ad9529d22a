import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { permissionsOf } from '../../shared/domain/staff-roles.js';
import { json, jsonErrors, requireStaff } from '../../shared/lambda/http.js';
import { withLogContext } from '../../shared/lambda/log.js';

/** GET /me: who the server takes the caller for, and what their roles let them do. It needs no AWS service. */
export function createHandler() {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(withLogContext())
    .use(jsonErrors())
    .handler(async (event) => {
      const staff = requireStaff(event);
      return json(200, { ...staff, permissions: permissionsOf(staff) });
    });
}

export const handler = createHandler();
