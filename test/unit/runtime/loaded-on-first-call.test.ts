import { describe, expect, it, vi } from 'vitest';
import { loadedOnFirstCall } from '../../../shared/lambda/loaded-on-first-call.js';

interface Greeter {
  greet(name: string): Promise<string>;
  count(): Promise<number>;
}

function greeter(): Greeter {
  let calls = 0;
  return {
    async greet(name) {
      calls++;
      return `hello ${name}`;
    },
    async count() {
      return calls;
    },
  };
}

describe('a port loaded on its first call', () => {
  it('loads nothing until a method is called, then loads once for every later call', async () => {
    const load = vi.fn(async () => greeter());
    const port = loadedOnFirstCall(load);

    expect(load).not.toHaveBeenCalled();
    const answers = await Promise.all([port.greet('a'), port.greet('b')]);

    expect(answers).toEqual(['hello a', 'hello b']);
    expect(await port.count()).toBe(2);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('passes a failed load to the caller and tries again on the next call', async () => {
    const load = vi
      .fn<() => Promise<Greeter>>()
      .mockRejectedValueOnce(new Error('module not found'))
      .mockResolvedValue(greeter());
    const port = loadedOnFirstCall(load);

    await expect(port.greet('a')).rejects.toThrow('module not found');
    expect(await port.greet('a')).toBe('hello a');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('passes on what the loaded method throws, and is not mistaken for a promise', async () => {
    const port = loadedOnFirstCall<Greeter>(async () => ({
      greet: async () => {
        throw new RangeError('no greeting');
      },
      count: async () => 0,
    }));

    await expect(port.greet('a')).rejects.toThrow(RangeError);
    // `await port` must not call a `then` method of the proxy.
    expect(await Promise.resolve(port)).toBe(port);
  });
});
