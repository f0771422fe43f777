import { describe, expect, it } from 'vitest';
import { demoCatalogue, ean13CheckDigit, isValidEan13 } from './catalogue.js';

describe('demo catalogue', () => {
  const products = demoCatalogue();

  it('has a few hundred distinct products with valid EAN-13 barcodes', () => {
    expect(products.length).toBeGreaterThanOrEqual(200);
    expect(products.length).toBeLessThanOrEqual(600);
    expect(new Set(products.map((p) => p.barcode)).size).toBe(products.length);
    expect(new Set(products.map((p) => p.name)).size).toBe(products.length);
    for (const p of products) expect(isValidEan13(p.barcode), p.barcode).toBe(true);
  });

  it('gives every product a distinct SKU, its main barcode first among distinct codes, a cost below its price', () => {
    expect(new Set(products.map((p) => p.sku)).size).toBe(products.length);
    const codes = products.flatMap((p) => p.barcodes);
    expect(new Set(codes).size).toBe(codes.length);
    expect(products.filter((p) => p.barcodes.length > 1).length).toBeGreaterThan(10);
    for (const p of products) {
      expect(p.barcodes[0]).toBe(p.barcode);
      for (const code of p.barcodes) expect(isValidEan13(code), code).toBe(true);
      expect(p.costMinor).toBeGreaterThan(0);
      expect(p.costMinor).toBeLessThan(p.priceMinor);
      expect(p.lowStockMilli).toBeGreaterThan(0);
    }
  });

  it('prices in whole GNF with 18 % VAT and positive opening stock', () => {
    for (const p of products) {
      expect(Number.isSafeInteger(p.priceMinor)).toBe(true);
      expect(p.priceMinor % 500).toBe(0);
      expect(p.vatRateBp).toBe(1800);
      expect(p.openingStock).toBeGreaterThan(0);
    }
  });

  it('computes the EAN-13 check digit of a known code', () => {
    expect(ean13CheckDigit('400638133393')).toBe(1); // 4006381333931
    expect(isValidEan13('4006381333932')).toBe(false);
  });
});
