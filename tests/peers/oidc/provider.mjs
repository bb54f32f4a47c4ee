// A real OpenID provider (oidc-provider, with its development login form) for the company sign-in tests.
// Configured by the test through the environment: PORT, OIDC_CLIENTS (JSON list), OIDC_ACCOUNTS (JSON object:
// login -> claims such as email and email_verified).  Any password is accepted at the login form.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');

const provider = new Provider(issuer, {
  clients,
  cookies: { keys: ['courseware-test-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false, // the email claims go in the ID token itself
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});
provider.listen(port, '127.0.0.1', () => { console.log(`oidc-provider listening on ${issuer}`); });
