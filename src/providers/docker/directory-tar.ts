/**
 * A tar archive holding one empty directory, for `docker cp - CONTAINER:/`: how the docker
 * provider makes a directory with a given mode in a created (not yet started) container.
 * Every byte is ASCII or NUL, so the archive travels as a string on the client's stdin.
 */
export function directoryTar(name: string, mode: number, mtime = new Date()): string {
  const header = Buffer.alloc(512, 0);
  const field = (value: string, offset: number): void => void header.write(value, offset, "ascii");
  const octal = (value: number, width: number): string => value.toString(8).padStart(width - 1, "0") + "\0";
  const entry = name.replace(/^\/+/, "").replace(/\/*$/, "/");
  if (Buffer.byteLength(entry) > 100) throw new Error(`directory name too long for a tar header: ${entry}`);
  field(entry, 0);
  field(octal(mode, 8), 100);
  field(octal(0, 8), 108); // uid: root, as docker cp sets it anyway
  field(octal(0, 8), 116); // gid
  field(octal(0, 12), 124); // size
  field(octal(Math.floor(mtime.getTime() / 1000), 12), 136);
  field("        ", 148); // checksum placeholder: spaces while summing
  field("5", 156); // type: directory
  field("ustar\0", 257);
  field("00", 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return Buffer.concat([header, Buffer.alloc(1024, 0)]).toString("latin1");
}
