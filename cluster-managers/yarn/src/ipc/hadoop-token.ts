/** A Hadoop security token (TokenProto / the Writable Token). */
export interface HadoopToken {
  identifier: Buffer;
  password: Buffer;
  kind: string;
  service: string;
}
