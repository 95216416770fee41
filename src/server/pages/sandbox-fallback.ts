import type { ApolloServerPlugin, GraphQLServerListener } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/**
 * Apollo Sandbox on GET /graphql (development), with a way out when its script cannot load from
 * Apollo's CDN (no internet): the page then redirects to the built-in console, and the
 * "cannot be loaded" text Apollo fades in links to it, in case the CDN only hangs.
 */
export function sandboxWithFallback(consolePath: string): ApolloServerPlugin {
  const sandbox = ApolloServerPluginLandingPageLocalDefault({ footer: false, includeCookies: false });
  return {
    async serverWillStart(service): Promise<GraphQLServerListener | void> {
      const listener = await sandbox.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!listener || !render) return listener;
      return {
        ...listener,
        async renderLandingPage() {
          const page = await render();
          return { html: async () => withFallback(typeof page.html === 'string' ? page.html : await page.html(), consolePath) };
        },
      };
    },
  };
}

/** The console's address with the hint that makes it say why the user landed there. */
export const SANDBOX_UNAVAILABLE = '#sandbox-unavailable';

/** Apollo's page, plus a link in its offline notice and a redirect when the Sandbox script is missing. */
export function withFallback(html: string, consolePath: string): string {
  const link = `<p>The gateway's built-in console works offline: <a href="${consolePath}${SANDBOX_UNAVAILABLE}">open ${consolePath}</a>.</p>`;
  // Apollo's offline notice is the first `fallback` div; without it, the link still goes in.
  const notice = /(<div class="fallback">[\s\S]*?)(<\/div>)/;
  let page = notice.test(html) ? html.replace(notice, `$1  ${link}\n$2`) : html.replace('</body>', `${link}\n</body>`);
  // A script that failed to load leaves `EmbeddedSandbox` undefined; checked right after it, before
  // Apollo's own inline script throws on it. The nonce is the page's own (its CSP allows no other).
  const cdnScript = /<script nonce="([^"]+)" src="https:\/\/embeddable-sandbox\.cdn\.apollographql\.com\/[^"]*"><\/script>/;
  page = page.replace(
    cdnScript,
    (tag, nonce: string) =>
      `${tag}\n<script nonce="${nonce}">if (!window.EmbeddedSandbox) window.location.replace(${JSON.stringify(consolePath + SANDBOX_UNAVAILABLE)});</script>`,
  );
  return page;
}
