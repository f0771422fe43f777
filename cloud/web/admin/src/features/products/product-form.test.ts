import { describe, expect, it } from 'vitest';
import type { Product } from '../../api/catalog.js';
import { changesOf, emptyProductForm, fieldsOfApiError, formFromProduct, parsePrice, parseVat, validateProductForm } from './product-form.js';

const valid = { ...emptyProductForm('cat-1'), barcode: '6111234567890', name: '  Riz   parfumé 5 kg ', price: '12 500', vat: '18' };

describe('product form', () => {
  it('turns typed text into the API body: GNF whole, VAT in basis points, name tidied', () => {
    expect(validateProductForm(valid)).toEqual({
      input: { barcode: '6111234567890', name: 'Riz parfumé 5 kg', categoryId: 'cat-1', unit: 'piece', priceMinor: 12_500, vatRateBp: 1800, active: true },
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
    const product: Product = { id: 'p1', tenantId: 't', barcode: '1', name: 'Sucre', searchName: 'sucre', categoryId: 'c', priceMinor: 9000, vatRateBp: 1800, unit: 'kg', active: true, updatedAt: '2026-01-01T00:00:00.000Z' };
    const form = formFromProduct(product, 'fr');
    expect(form).toMatchObject({ price: '9000', vat: '18', unit: 'kg' });
    const { input } = validateProductForm({ ...form, price: '9500', active: false });
    expect(changesOf(product, input!)).toEqual({ priceMinor: 9500, active: false });
    expect(fieldsOfApiError('VALIDATION_FAILED', [{ path: 'body.priceMinor', message: 'x' }, { path: 'body.barcode', message: 'y' }])).toEqual(['price', 'barcode']);
    expect(fieldsOfApiError('PRODUCT_BARCODE_TAKEN', undefined)).toEqual(['barcode']);
  });
});
