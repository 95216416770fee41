import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/domain/index.js';
import { CallerLoader } from '../../src/graphql/caller-loader.js';

/** Who each batch was read for, with its keys. */
function recordingLoader() {
  const batches: Array<{ readonly keys: readonly string[]; readonly caller: string | undefined }> = [];
  const loader = new CallerLoader<string, string>(async (keys, caller) => {
    batches.push({ keys, caller: caller?.path });
    return keys.map((key) => key.toLowerCase());
  });
  return { loader, batches };
}

const caller = (path: string): Caller => ({ consumer: { id: 'acme', profile: 'pro', rights: new Set(), anonymous: false }, path });

describe('a loader that knows who asked', () => {
  it('reads a batch for the caller of the load that opened it; loads joining it later in the tick cost their callers nothing', async () => {
    const { loader, batches } = recordingLoader();
    const answers = await Promise.all([loader.load('AAPL', caller('quotes.0')), loader.load('MSFT', caller('quotes.1')), loader.loadMany(['NVDA'], caller('other'))]);
    expect(answers).toEqual(['aapl', 'msft', ['nvda']]);
    expect(batches).toEqual([{ keys: ['AAPL', 'MSFT', 'NVDA'], caller: 'quotes.0' }]);
  });

  it('gives each tick its own batch, opened by the tick\'s first load even when that load\'s key is held', async () => {
    const { loader, batches } = recordingLoader();
    await loader.load('AAPL', caller('first'));
    // AAPL is held, but its load comes first in the tick: DataLoader opens the batch with it.
    await Promise.all([loader.load('AAPL', caller('held')), loader.load('MSFT', caller('second'))]);
    expect(batches).toEqual([
      { keys: ['AAPL'], caller: 'first' },
      { keys: ['MSFT'], caller: 'held' },
    ]);
  });
});
