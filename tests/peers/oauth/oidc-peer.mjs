// SPDX-License-Identifier: GPL-3.0-or-later
// The oidc-provider OpenID Connect server on a free port of 127.0.0.1,
// with Dossier registered as a native public client (PKCE, loopback
// redirect on any port), refresh tokens and revocation.  Prints
// "issuer=<URL>" once it accepts connections; its development login and
// consent pages take any name and password.
import http from 'node:http';
import Provider from 'oidc-provider';

const server = http.createServer();

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'dossier-test',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }],
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
    },
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    cookies: { keys: ['a cookie key for the tests only'] },
  });
  server.on('request', provider.callback());
  console.log(`issuer=${issuer}`);
});
