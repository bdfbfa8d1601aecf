/**
 * The type and pixel size of an uploaded image, read from the file's own bytes (never from the
 * client's Content-Type). Only the headers are parsed, so this costs microseconds whatever the size.
 */
export interface ImageInfo {
  mime: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/avif'
  width: number
  height: number
}

export function imageInfo(bytes: Uint8Array): ImageInfo | null {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const ascii = (at: number, len: number) => (at + len <= bytes.length ? String.fromCharCode(...bytes.subarray(at, at + len)) : '')
  if (bytes.length >= 24 && ascii(1, 3) === 'PNG' && bytes[0] === 0x89 && ascii(12, 4) === 'IHDR') {
    return sized('image/png', v.getUint32(16), v.getUint32(20))
  }
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') {
    return bytes.length >= 10 ? sized('image/gif', v.getUint16(6, true), v.getUint16(8, true)) : null
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpeg(bytes, v)
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return webp(bytes, v, ascii)
  if (ascii(4, 4) === 'ftyp' && ['avif', 'avis'].includes(ascii(8, 4))) return avif(bytes, v, ascii)
  return null
}

function sized(mime: ImageInfo['mime'], width: number, height: number): ImageInfo | null {
  return width > 0 && height > 0 ? { mime, width, height } : null
}

/** Walks JPEG segments to the first start-of-frame marker, which holds the size. */
function jpeg(bytes: Uint8Array, v: DataView): ImageInfo | null {
  let at = 2
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null
    const marker = bytes[at + 1] as number
    if (marker === 0xff) {
      at += 1
      continue
    }
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return sized('image/jpeg', v.getUint16(at + 7), v.getUint16(at + 5))
    }
    if (marker === 0xd9 || marker === 0xda) return null
    at += 2 + v.getUint16(at + 2)
  }
  return null
}

function webp(bytes: Uint8Array, v: DataView, ascii: (at: number, len: number) => string): ImageInfo | null {
  const chunk = ascii(12, 4)
  if (chunk === 'VP8X' && bytes.length >= 30) {
    const w = 1 + (v.getUint16(24, true) | ((bytes[26] as number) << 16))
    const h = 1 + (v.getUint16(27, true) | ((bytes[29] as number) << 16))
    return sized('image/webp', w, h)
  }
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return sized('image/webp', v.getUint16(26, true) & 0x3fff, v.getUint16(28, true) & 0x3fff)
  }
  if (chunk === 'VP8L' && bytes.length >= 25 && bytes[20] === 0x2f) {
    const bits = v.getUint32(21, true)
    return sized('image/webp', (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1)
  }
  return null
}

/** AVIF (ISO BMFF): the size is in the first `ispe` property box, inside meta/iprp/ipco. */
function avif(bytes: Uint8Array, v: DataView, ascii: (at: number, len: number) => string): ImageInfo | null {
  const limit = Math.min(bytes.length, 64 * 1024)
  for (let at = 0; at + 16 <= limit; at++) {
    if (ascii(at, 4) === 'ispe') return sized('image/avif', v.getUint32(at + 8), v.getUint32(at + 12))
  }
  return null
}
