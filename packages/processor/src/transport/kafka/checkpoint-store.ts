import type { Admin } from 'kafkajs';
import { type Checkpoint, decodeCheckpointMetadata, encodeCheckpointMetadata } from '../../engine/checkpoint.ts';

/**
 * Checkpoints live in Kafka's own offset store: the committed offset is the
 * checkpoint's position and the commit's metadata string carries the rest
 * (kafkajs 2.2.4 `commitOffsets` sends `metadata`; `admin.fetchOffsets`
 * returns it), so offset and checkpoint are written in one atomic commit.
 */
export async function readCheckpoint(
  admin: Admin,
  groupId: string,
  topic: string,
  partition: number,
): Promise<Checkpoint | undefined> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const p = t?.partitions.find((x) => x.partition === partition);
  if (!p || p.offset === '-1' || p.offset === '') return undefined;
  return decodeCheckpointMetadata(BigInt(p.offset), p.metadata);
}

export function commitEntry(
  topic: string,
  partition: number,
  c: Checkpoint,
): { topic: string; partition: number; offset: string; metadata: string } {
  return { topic, partition, offset: c.position.toString(), metadata: encodeCheckpointMetadata(c) };
}
