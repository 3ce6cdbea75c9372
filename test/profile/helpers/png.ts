import { inflateSync } from "node:zlib";

export interface DecodedPng {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row-major. */
  rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decode an 8-bit, non-interlaced greyscale/RGB/RGBA PNG (what Chromium writes) with node's zlib only. */
export function decodePng(file: Buffer): DecodedPng {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG");
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString("latin1", offset + 4, offset + 8);
    const data = file.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const bitDepth = data[8];
      colorType = data[9] ?? -1;
      const interlace = data[12];
      if (bitDepth !== 8 || interlace !== 0 || ![0, 2, 4, 6].includes(colorType)) {
        throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace}`);
      }
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      break;
    }
    offset += 12 + length;
  }
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : colorType === 4 ? 2 : 1;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const value = raw[src + x] ?? 0;
      const left = x >= channels ? (pixels[dst + x - channels] ?? 0) : 0;
      const up = y > 0 ? (pixels[dst - stride + x] ?? 0) : 0;
      const upLeft = y > 0 && x >= channels ? (pixels[dst - stride + x - channels] ?? 0) : 0;
      let predicted: number;
      switch (filter) {
        case 0:
          predicted = 0;
          break;
        case 1:
          predicted = left;
          break;
        case 2:
          predicted = up;
          break;
        case 3:
          predicted = (left + up) >> 1;
          break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - upLeft);
          predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
          break;
        }
        default:
          throw new Error(`bad PNG filter ${filter} on row ${y}`);
      }
      pixels[dst + x] = (value + predicted) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const grey = channels <= 2;
    rgba[i * 4] = pixels[s] ?? 0;
    rgba[i * 4 + 1] = grey ? (pixels[s] ?? 0) : (pixels[s + 1] ?? 0);
    rgba[i * 4 + 2] = grey ? (pixels[s] ?? 0) : (pixels[s + 2] ?? 0);
    rgba[i * 4 + 3] = channels === 4 ? (pixels[s + 3] ?? 255) : channels === 2 ? (pixels[s + 1] ?? 255) : 255;
  }
  return { width, height, rgba };
}

/** How many pixels are within `tolerance` of the colour `#rrggbb` on every channel. */
export function countColor(png: DecodedPng, hex: string, tolerance = 3): number {
  const r = parseInt(hex.slice(1, 3), 16);
  const g = parseInt(hex.slice(3, 5), 16);
  const b = parseInt(hex.slice(5, 7), 16);
  let count = 0;
  for (let i = 0; i < png.rgba.length; i += 4) {
    if (
      Math.abs((png.rgba[i] ?? 0) - r) <= tolerance &&
      Math.abs((png.rgba[i + 1] ?? 0) - g) <= tolerance &&
      Math.abs((png.rgba[i + 2] ?? 0) - b) <= tolerance
    ) {
      count++;
    }
  }
  return count;
}

/** Number of distinct RGB colours. */
export function distinctColors(png: DecodedPng): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.rgba.length; i += 4) {
    seen.add(((png.rgba[i] ?? 0) << 16) | ((png.rgba[i + 1] ?? 0) << 8) | (png.rgba[i + 2] ?? 0));
  }
  return seen.size;
}
