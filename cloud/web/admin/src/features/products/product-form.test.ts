import { describe, expect, it } from 'vitest';
import type { Product } from '../../api/catalog.js';
import { changesOf, emptyProductForm, fieldsOfApiError, formFromProduct, parsePrice, parseVat, validateProductForm } from './product-form.js';

const valid = { ...emptyProductForm('cat-1'), barcode: '6111234567890', name: '  Riz   parfumé 5 kg ', price: '12 500', vat: '18' };

describe('product form', () => {
  it('turns typed text into the API body: GNF whole, VAT in basis points, name tidied', () => {
    expect(validateProductForm(valid)).toEqual({
      input: {
        sku: '6111234567890', barcodes: ['6111234567890'], name: 'Riz parfumé 5 kg', categoryId: 'cat-1', unit: 'piece', priceMinor: 12_500, costMinor: null,
        vatRateBp: 1800, lowStockMilli: 0, boutiquePrices: [], active: true,
      },
      errors: {},
    });
  });

  it('says what is wrong with each field', () => {
    const { input, errors } = validateProductForm({ ...emptyProductForm(), vat: '' });
    expect(input).toBeNull();
    expect(errors).toEqual({ barcode: 'barcodeRequired', name: 'nameRequired', categoryId: 'categoryRequired', price: 'priceRequired', vat: 'vatRequired' });
    expect(validateProductForm({ ...valid, barcode: '611 123' }).errors.barcode).toBe('barcodeFormat');
    expect(validateProductForm({ ...valid, barcode: '1'.repeat(33) }).errors.barcode).toBe('barcodeTooLong');
    expect(validateProductForm({ ...valid, price: '12 500,50' }).errors.price).toBe('priceInvalid');
    expect(validateProductForm({ ...valid, price: '-5' }).errors.price).toBe('priceInvalid');
    expect(validateProductForm({ ...valid, price: '99999999999999' }).errors.price).toBe('priceTooLarge');
    expect(validateProductForm({ ...valid, vat: '120' }).errors.vat).toBe('vatInvalid');
    expect(validateProductForm({ ...valid, otherBarcodes: '6111234567890' }).errors.otherBarcodes).toBe('barcodeRepeated');
    expect(validateProductForm({ ...valid, otherBarcodes: 'abc déf' }).errors.otherBarcodes).toBe('barcodeFormat');
    expect(validateProductForm({ ...valid, sku: 'A|B' }).errors.sku).toBe('skuFormat');
    expect(validateProductForm({ ...valid, cost: '12,5' }).errors.cost).toBe('priceInvalid');
    expect(validateProductForm({ ...valid, lowStock: 'beaucoup' }).errors.lowStock).toBe('lowStockInvalid');
    expect(validateProductForm({ ...valid, boutiquePrices: { b1: 'cher' } }).errors.boutiquePrices).toBe('priceInvalid');
  });

  it('sends the SKU, every barcode, the cost, the threshold in milli-units and the boutiques’ own prices', () => {
    const { input } = validateProductForm({
      ...valid, sku: ' RIZ-5 ', otherBarcodes: '2900000000017, 2900000000024', cost: '9 000', lowStock: '2,5', unit: 'kg', boutiquePrices: { b2: '13 000', b1: '', b0: '12000' },
    });
    expect(input).toMatchObject({
      sku: 'RIZ-5', barcodes: ['6111234567890', '2900000000017', '2900000000024'], costMinor: 9_000, lowStockMilli: 2_500,
      boutiquePrices: [{ boutiqueId: 'b0', priceMinor: 12_000 }, { boutiqueId: 'b2', priceMinor: 13_000 }],
    });
  });

  it('reads prices and rates as people type them', () => {
    expect(parsePrice('12\u202f500')).toBe(12_500);
    expect(parsePrice('0')).toBe(0);
    expect(parsePrice('abc')).toBeNull();
    expect(parseVat('18')).toBe(1800);
    expect(parseVat('5,5')).toBe(550);
    expect(parseVat('18 %')).toBe(1800);
    expect(parseVat('0')).toBe(0);
    expect(parseVat('100')).toBe(10_000);
    expect(parseVat('18,555')).toBeNull();
  });

  it('sends only what changed, and puts API refusals on their fields', () => {
    const product: Product = {
      id: 'p1', tenantId: 't', sku: 'SUC-1', barcode: '1', barcodes: ['1', '2'], name: 'Sucre', searchName: 'sucre', categoryId: 'c', priceMinor: 9000, vatRateBp: 1800,
      unit: 'kg', lowStockMilli: 2_500, boutiquePrices: [{ boutiqueId: 'b1', priceMinor: 9_500 }], costMinor: 7_000, active: true, updatedAt: '2026-01-01T00:00:00.000Z',
    };
    const form = formFromProduct(product, 'fr');
    expect(form).toMatchObject({ sku: 'SUC-1', otherBarcodes: '2', price: '9000', cost: '7000', vat: '18', lowStock: '2,5', unit: 'kg', boutiquePrices: { b1: '9500' } });
    const { input } = validateProductForm({ ...form, price: '9500', active: false });
    expect(changesOf(product, input!)).toEqual({ priceMinor: 9500, active: false });
    const repriced = validateProductForm({ ...form, boutiquePrices: { b1: '' }, otherBarcodes: '' }).input!;
    expect(changesOf(product, repriced)).toEqual({ barcodes: ['1'], boutiquePrices: [] });
    expect(fieldsOfApiError('VALIDATION_FAILED', [{ path: 'body.priceMinor', message: 'x' }, { path: 'body.barcode', message: 'y' }])).toEqual(['price', 'barcode']);
    expect(fieldsOfApiError('PRODUCT_BARCODE_TAKEN', undefined)).toEqual(['barcode', 'otherBarcodes']);
    expect(fieldsOfApiError('PRODUCT_SKU_TAKEN', undefined)).toEqual(['sku']);
  });
});
