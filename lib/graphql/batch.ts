/**
 * Collects keys asked for in the same tick and loads them with one call (a minimal DataLoader):
 * the gateway resolves a page of entities as many references at once.
 */
export class Batcher<K, V> {
  private pending: { key: K; resolve: (v: V) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>, private readonly fallback: (key: K) => V) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (this.pending.length === 1) queueMicrotask(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const values = await this.loadMany([...new Set(batch.map((b) => b.key))]);
      for (const b of batch) b.resolve(values.get(b.key) ?? this.fallback(b.key));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}
