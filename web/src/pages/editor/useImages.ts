// The local images, for the service panel's image field (asked once per editor page).
import { useEffect, useState } from 'react';
import { api, type LocalImage } from '../../api';

export function useImages(): LocalImage[] | null {
  const [images, setImages] = useState<LocalImage[] | null>(null);
  useEffect(() => {
    let live = true;
    api
      .images()
      .then((r) => live && setImages(r.images ?? []))
      .catch(() => live && setImages([]));
    return () => {
      live = false;
    };
  }, []);
  return images;
}
