/** Serial devices around the appliance: pure protocol codecs and one request/reply port wrapper. */
export { Q1_REQUEST, parseQ1, formatQ1, estimateChargePercent, Q1FormatError, type UpsQ1Status, type UpsStatusBits } from './megatec-q1.ts';
export { SerialLink, SerialTimeoutError, crLine, type ReplyFramer } from './serial-link.ts';
export { crc16Modbus, withCrc, readRegistersRequest, readRegistersReply, parseReadRegistersReply, readRegistersReplyFramer, signed16, ModbusError, MAX_READ_REGISTERS, type RegisterFunction } from './modbus-rtu.ts';
export { encodeSmsSubmit, decodeSmsSubmit, fitsGsm7, packSeptets, unpackSeptets, type SmsSubmitPdu, type DecodedSmsSubmit } from './sms-pdu.ts';
export { sendSms, atReplyFramer, SmsSendError } from './gsm-modem.ts';
