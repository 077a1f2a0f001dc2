/**
 * iommu_sva handles as the capture sees them: bind returns one, unbind names one. Kernels of
 * 5.3-6.1 and 6.8+ hand the same handle to a repeated bind of (dev, mm) and count its users;
 * 6.2-6.7 return a new one per bind (kernel-generations.md, "Generations"). Counting users per
 * handle serves both: every unbind of a handle is resolved until its last user is gone.
 */
export interface Bond {
  dev: string;
  mm: string;
  users: number;
  pasid?: number;
}

export class Handles {
  private readonly byHandle = new Map<string, Bond>();
  /** mm → its PASID (one per mm on mainline), from iommu_sva_get_pasid(). */
  private readonly mmPasid = new Map<string, number>();

  /** A bind of (dev, mm) returned `handle`. A known handle of another (dev, mm) was freed and reused. */
  bound(handle: string, dev: string, mm: string): void {
    const b = this.byHandle.get(handle);
    if (b && b.dev === dev && b.mm === mm) b.users++;
    else this.byHandle.set(handle, { dev, mm, users: 1 });
  }

  get(handle: string): Bond | undefined {
    return this.byHandle.get(handle);
  }

  setPasid(handle: string, pasid: number): void {
    const b = this.byHandle.get(handle);
    if (!b) return;
    b.pasid = pasid;
    this.mmPasid.set(b.mm, pasid);
  }

  /** The PASID of a bind of `mm` that has no get_pasid of its own. */
  pasidOfMm(mm: string): number | undefined {
    return this.mmPasid.get(mm);
  }

  pasidOf(handle: string): number | undefined {
    const b = this.byHandle.get(handle);
    return b === undefined ? undefined : b.pasid ?? this.mmPasid.get(b.mm);
  }

  /** An unbind of `handle` returned: one user fewer, the handle gone with the last. */
  unbound(handle: string): void {
    const b = this.byHandle.get(handle);
    if (b && --b.users <= 0) this.byHandle.delete(handle);
  }

  /** The mm was dropped (mm_pasid_drop): its PASID is free, its address may be reused. */
  mmDropped(mm: string): void {
    this.mmPasid.delete(mm);
  }
}
