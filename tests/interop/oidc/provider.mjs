// An authorization server for tests/oauth.rs: oidc-provider on 127.0.0.1,
// with dynamic client registration, PKCE, and resource indicators (RFC 8707)
// so that access tokens are JWTs for the resource asked for.
//
//   node provider.mjs OIDC_DIR PORT KEYS_FILE [rotate]
//
// OIDC_DIR is where tests/interop/tools/oidc.sh installed oidc-provider.
// It signs with the keys in KEYS_FILE, made on first use; `rotate` puts a
// new key first (the one it signs with) and keeps the old ones, as an
// authorization server rotating its keys does. It prints `ready` once it
// listens. Login and consent are automatic: every interaction logs in
// `test-user` and grants what the client asked for.
//
// For the tests only, under /test/:
//   GET /test/stats           {"jwks": how many times the JWKS was fetched}
//   GET /test/skew?seconds=N  shifts its clock by N seconds (0 undoes it)
//   GET /test/forge?token=T&kind=none|unknown-key
//       T's header and claims, unsigned (`alg: none`) or signed with a key
//       that is not in the JWKS.
//
// The client `refusals` (secret `secret`) may use client_credentials.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { generateKeyPairSync, createSign, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oidcDir, port, keysFile, mode] = process.argv.slice(2);
const main = join(oidcDir, 'node_modules/oidc-provider/lib/index.js');
const { default: Provider } = await import(pathToFileURL(main).href);
const issuer = `http://127.0.0.1:${port}`;

function newKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}
let keys = existsSync(keysFile) ? JSON.parse(readFileSync(keysFile, 'utf8')) : [newKey()];
if (mode === 'rotate') keys = [newKey(), ...keys];
writeFileSync(keysFile, JSON.stringify(keys));

let skew = 0;
const now = Date.now;
Date.now = () => now() + skew * 1000;

const SCOPES = 'notes:read notes:write';
const provider = new Provider(issuer, {
  clients: [{
    client_id: 'refusals',
    client_secret: 'secret',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_post',
    scope: SCOPES,
  }],
  jwks: { keys },
  scopes: ['openid', 'offline_access', 'notes:read', 'notes:write'],
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx, client, oneOf) => oneOf ?? undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator) => ({
        scope: SCOPES,
        audience: resourceIndicator,
        accessTokenTTL: 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
});
provider.proxy = false;

let jwksFetches = 0;
provider.use(async (ctx, next) => {
  if (ctx.path === '/jwks') jwksFetches += 1;
  if (ctx.path === '/test/stats') {
    ctx.body = { jwks: jwksFetches };
    return;
  }
  if (ctx.path === '/test/skew') {
    skew = Number(ctx.query.seconds) || 0;
    ctx.body = { skew };
    return;
  }
  if (ctx.path === '/test/forge') {
    const [header, claims] = String(ctx.query.token).split('.').slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url')));
    const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    if (ctx.query.kind === 'none') {
      ctx.body = `${encode({ alg: 'none', typ: header.typ })}.${encode(claims)}.`;
    } else {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const input = `${encode({ ...header, kid: 'forged' })}.${encode(claims)}`;
      const signature = createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
      ctx.body = `${input}.${signature}`;
    }
    return;
  }
  if (ctx.path.startsWith('/interaction/')) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, session } = details;
    let result;
    if (prompt.name === 'login') {
      result = { login: { accountId: 'test-user' } };
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      const missing = prompt.details;
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      result = { consent: { grantId: await grant.save() } };
    }
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
    return;
  }
  await next();
});

const server = provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
// Node closes an idle kept-alive connection after 5 s, just when Python's
// httpx stops reusing one: a client's request could meet a connection the
// server was closing ("Server disconnected without sending a response").
// Keep idle connections open longer than the clients do.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
