import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { searchProducts } from '../api/purchasing.js';
import { useUser } from '../session/session.js';

/**
 * The search behind the forms' product pickers (a transfer's lines, a purchase order's lines): what is
 * typed, asked of the catalogue once the hand pauses and from `minLength` characters, its first
 * active matches by name.
 */
export function useProductSearch(minLength: number) {
  const user = useUser();
  const [search, setSearch] = useState('');
  const [term, setTerm] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setTerm(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const asked = term.length >= minLength && term.length > 0;
  const hits = useQuery({
    queryKey: ['products', user.tenantId, 'picker-search', term],
    queryFn: ({ signal }) => searchProducts(user.tenantId, term, signal),
    enabled: asked,
  });
  return {
    search,
    setSearch,
    /** A search long enough was asked: its hits (or their absence) are worth showing. */
    asked,
    hits,
    /** After a product was chosen: an empty box for the next one. */
    clear: () => {
      setSearch('');
      setTerm('');
    },
  };
}
