/**
 * Images opened on the Open page, kept open while the page browses them (a few at most; the least recently
 * used is closed first). Each namespace's tree is read once, when first asked for (`image.openTree`).
 */
import { openImageFile, type IsoImage, type Namespace, type TreeNode } from '../../node/index.js';
import { ApiError } from './errors.js';

const MAX_OPEN = 6;

interface Session {
  readonly path: string;
  readonly image: IsoImage;
  readonly trees: Map<Namespace, Promise<TreeNode>>;
  used: number;
}

export class ImageSessions {
  private next = 1;
  private readonly open = new Map<string, Session>();

  async add(path: string): Promise<{ id: string; image: IsoImage }> {
    const image = await openImageFile(path);
    const id = `i${this.next++}`;
    this.open.set(id, { path, image, trees: new Map([[image.namespace, Promise.resolve(image.tree)]]), used: Date.now() });
    while (this.open.size > MAX_OPEN) {
      const oldest = [...this.open.entries()].sort((a, b) => a[1].used - b[1].used)[0];
      if (!oldest) break;
      this.open.delete(oldest[0]);
      await oldest[1].image.source.close?.();
    }
    return { id, image };
  }

  get(id: string): Session {
    const s = this.open.get(id);
    if (!s) throw new ApiError(404, 'IMAGE_CLOSED', 'this image is no longer open', 'open it again');
    s.used = Date.now();
    return s;
  }

  tree(id: string, ns: string | undefined): Promise<TreeNode> {
    const s = this.get(id);
    const want = (ns ?? s.image.namespace) as Namespace;
    if (!['rockridge', 'joliet', 'iso9660', 'udf', 'fat'].includes(want)) throw new ApiError(400, 'BAD_FIELD', `unknown namespace "${want}"`);
    let t = s.trees.get(want);
    if (!t) {
      t = s.image.openTree(want);
      s.trees.set(want, t);
      t.catch(() => s.trees.delete(want));
    }
    return t;
  }

  async closeAll(): Promise<void> {
    for (const s of this.open.values()) await s.image.source.close?.();
    this.open.clear();
  }
}
