"""Ticket wording for the go-live scenario: one entry per topic people raise.

Every issue has a kind (``defect``, ``training`` or ``policy``), the Odoo app it is about, the
team that owns it, and what the consultants answer on it (``answer``: the workaround of a
defect, the how-to of a question, the rule a process owner gave) and note about it, so a reply
always matches its ticket. ``doc`` names the kind of business document the ticket is about
(see :data:`hypercare.odoo.sim.wording.DOCS`), numbered as Odoo numbers it. Slots are listed
in :mod:`hypercare.odoo.sim.wording`.

The words are chosen so hypercare's app inference (``triage/default_rules.toml``) files each
ticket under its app, and no text uses Helpdesk's own vocabulary ("ticket", "SLA").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    key: str
    app: str
    kind: str
    team: str  # finance | sales | inventory | manufacturing
    subjects: tuple[str, ...]
    bodies: tuple[str, ...]
    answer: str
    note: str
    doc: str = ""


def _i(key: str, app: str, kind: str, team: str, doc: str, subjects: list[str],
       bodies: list[str], answer: str, note: str) -> Issue:
    return Issue(key, app, kind, team, tuple(subjects), tuple(bodies), answer, note, doc)


_FINANCE: tuple[Issue, ...] = (
    _i("vat_pdf", "Accounting", "defect", "finance", "invoice", [
        "Invoice PDF shows wrong VAT total", "VAT amount on printed invoice does not match",
        "VAT total differs between screen and invoice PDF",
        "Customer says our invoice VAT is wrong",
        "Invoice PDF: 21% VAT line is off by a few cents",
        "Wrong VAT total on the printout of invoice {invoice}",
        "Printed invoice VAT total incorrect again", "Invoice report rounds VAT per line?",
        "VAT on the invoice PDF differs from VAT in Odoo",
        "URGENT customer rejected invoice {invoice} (VAT total)",
        "Invoice layout shows a different VAT amount", "VAT summary on the invoice PDF is wrong",
        "Wrong VAT on invoices sent today", "invoice vat total wrong on lines with a discount",
        "PDF of invoice {invoice} shows {small} {cur} more VAT than the journal items"], [
        "<p>Invoice {invoice} for {customer} shows a different VAT total on the PDF than in "
        "the journal items. The customer's accounts payable team rejected it.</p>",
        "<p>When I print invoice {invoice} the VAT summary at the bottom does not add up. On "
        "screen it is fine. It seems to happen when a line has a discount.</p>",
        "<p>Several customers called about the VAT total on today's invoices. Example: "
        "invoice {invoice}. Can you check before we send the next batch?</p>"],
        "print the invoice from the Accounting menu instead of the customer portal; that "
        "report rounds VAT on the total",
        "Asked the developer to check the VAT rounding method (per line or globally)."),
    _i("reconcile_bank", "Accounting", "training", "finance", "invoice", [
        "How do I reconcile a bank line with two invoices?",
        "Bank reconciliation: cannot find the matching invoice",
        "Where is the reconcile button now?", "Partial payment reconciliation question"], [
        "<p>A payment from {customer} of {amount} {cur} covers two invoices, {invoice} and "
        "{invoice2}. In the old system we ticked both. How do I do that in the bank "
        "reconciliation?</p>",
        "<p>I see the bank statement line but Odoo proposes the wrong invoice. How do I search "
        "for invoice {invoice} manually?</p>"],
        "open the bank statement line, search the customer in the matching panel and select "
        "both invoices before you validate",
        "Bank reconciliation was not in the finance training agenda; adding it."),
    _i("credit_note_authority", "Accounting", "policy", "finance", "credit_note", [
        "Who can approve credit notes above {threshold} {cur}?",
        "Credit note authority for sales reps?", "Credit note approval threshold unclear"], [
        "<p>Credit note {credit_note} of {amount} {cur} for {customer} was created by a sales "
        "rep. May they validate it themselves, or does finance approve credit notes above a "
        "threshold?</p>",
        "<p>The process document says a manager approves each credit note but does not give "
        "an amount, and Odoo lets everybody confirm. What is the rule?</p>"],
        "finance approves every credit note above 5,000 EUR; below that the sales manager may "
        "confirm it",
        "Policy question for the finance process owner: approval limits for credit notes."),
    _i("payment_terms", "Accounting", "defect", "finance", "invoice", [
        "Due date on invoice ignores 30 days end of month",
        "Payment terms compute the wrong due date", "Invoice due date equals the invoice date"], [
        "<p>{customer} has '30 days end of month' but invoice {invoice} shows a due date "
        "equal to the invoice date. Payment reminders went out too early.</p>"],
        "set the due date on the invoice by hand until the payment terms are corrected",
        "Payment term lines were migrated as 'days' instead of 'end of month'; data fix "
        "planned."),
    _i("lock_date", "Accounting", "training", "finance", "bill", [
        "Cannot post vendor bill: lock date error",
        "\"You cannot add/modify entries prior to lock date\" on a bill",
        "Why can't I post a bill dated last month?"], [
        "<p>I get a lock date message when posting vendor bill {bill_prev}. The bill is dated "
        "last month. What should I do?</p>"],
        "post the bill with today's accounting date and keep the vendor's date as the bill "
        "date; only the financial controller lifts the lock date",
        "Lock dates are set per company; the controller closed last month on purpose."),
    _i("fx_rate", "Accounting", "defect", "finance", "invoice", [
        "USD invoices use yesterday's exchange rate", "Currency rate not updated automatically",
        "Exchange rate on invoice {invoice} is wrong"], [
        "<p>The automatic currency rate update did not run; invoice {invoice} in USD was "
        "booked with the rate from two days ago. The difference is about {small} {cur}.</p>"],
        "enter today's USD rate by hand under Accounting, Configuration, Currencies, then reset "
        "the invoice to draft and post it again",
        "The ECB rate provider lost its scheduled action in the migration; re-enabling it."),
    _i("access_rights", "Accounting", "defect", "finance", "bill", [
        "Access error when opening vendor bills", "I lost access to the vendor bills menu",
        "\"You are not allowed to access\" on vendor bills"], [
        "<p>Since this morning I get an access error when opening vendor bill {bill}. "
        "Yesterday it worked.</p>"],
        "ask a colleague with the Billing role to post the bills while we fix your access "
        "group",
        "The access group 'Accounting / Billing' was removed by last night's user import."),
    _i("timesheet_entry", "Timesheets", "training", "finance", "", [
        "How do I log hours on a task?", "Timesheet grid missing projects",
        "Can I copy last week's timesheet?"], [
        "<p>I don't see my project in the timesheet grid. How do I add a line for it?</p>"],
        "in Timesheets click Add a line, pick the project and the task, then type the hours "
        "in the grid",
        "Consultants asked the same in the timesheet session; adding a one-page guide."),
    _i("timesheet_validation", "Timesheets", "policy", "finance", "", [
        "Who validates consultant timesheets?", "Timesheet validation deadline unclear"], [
        "<p>Managers ask whether they must validate timesheets weekly or monthly before "
        "customers are charged for the hours. The go-live guide does not say.</p>"],
        "project managers validate timesheets every Monday for the previous week",
        "Open point from the design phase; the services process owner decides."),
)

_SALES: tuple[Issue, ...] = (
    _i("price_list", "Sales", "policy", "sales", "order", [
        "Which price list applies to distributors in the US?",
        "Two price lists match the customer, which one wins?",
        "Price list for {customer} unclear"], [
        "<p>{customer} is both a distributor and on the 'Key accounts' price list. On sales "
        "order {order} Odoo picks the key account prices but sales management says "
        "distributor prices should apply.</p>"],
        "the distributor price list wins over the key account list; sales operations sets it "
        "on the customer",
        "Price list priority was never decided in the design; asking the sales process owner."),
    _i("credit_hold", "Sales", "policy", "sales", "order", [
        "Sales order blocked by credit limit but customer prepaid",
        "Can sales override a credit hold?", "Credit limit warning on sales order {order}"], [
        "<p>Sales order {order} for {customer} is blocked because of the credit limit, but "
        "they paid upfront by wire. Who can release the order, sales or finance?</p>"],
        "finance releases credit holds; with the prepayment received the sales manager may "
        "confirm the order",
        "Credit limits were migrated from the old system without the prepayment exception."),
    _i("quote_email", "Sales", "defect", "sales", "quotation", [
        "Send by email on quotation fails", "Quotation email not received by customer",
        "Error when sending quotation {quotation} by email"], [
        "<p>When I click Send by Email on quotation {quotation} I get an error 'Mail delivery "
        "failed'. Other colleagues seem to have the same problem since this morning.</p>"],
        "download the quotation PDF and send it from your own mailbox until the mail server "
        "is fixed",
        "The outgoing mail server rejects the new sender address; IT is updating the SPF "
        "record."),
    _i("discount_field", "Sales", "training", "sales", "quotation", [
        "How do I give a discount on one quotation line?", "Discount column is missing",
        "Where do I enter the customer discount?"], [
        "<p>I need to give {customer} 5% on one product of quotation {quotation}. In the old "
        "system there was a discount column. I cannot find it on the order lines.</p>"],
        "enable Discounts in the Sales settings; the Disc.% column then appears on the "
        "quotation lines",
        "Discounts are off in the Sales settings of the US company; asked to enable them."),
    _i("quote_state", "Sales", "training", "sales", "quotation", [
        "Quotation stays in 'Quotation Sent' after signature",
        "Is my sales order confirmed or not?",
        "Sales order says 'To Invoice': what does it mean?"], [
        "<p>{customer} signed quotation {quotation} online but I still see it as a quotation. "
        "Did the order go through?</p>"],
        "a signed quotation becomes a sales order once it is paid online or you press "
        "Confirm; confirm it yourself when the customer signed without paying",
        "Online signature without payment is a common question; adding it to the FAQ."),
    _i("lead_assign", "CRM", "defect", "sales", "", [
        "New leads are not assigned to anyone", "Lead assignment rule stopped working",
        "Leads from the website form land without a salesperson"], [
        "<p>Since go-live all new leads arrive without a salesperson. The lead assignment "
        "rules are configured for the US sales team.</p>"],
        "assign new leads by hand from the CRM pipeline, grouped by salesperson, until the "
        "rule is fixed",
        "The assignment rules filter on the old team field; fixing their domain."),
    _i("pipeline_view", "CRM", "training", "sales", "", [
        "How do I see only my opportunities?", "Pipeline shows colleagues' leads",
        "How to mark an opportunity as lost with a reason"], [
        "<p>My pipeline is full of opportunities from other people. How do I filter to mine "
        "and save that as default?</p>"],
        "in the pipeline use the My Pipeline filter, then save the current search with "
        "'Default filter' ticked",
        "CRM training covered this only briefly; adding it to the super-user session."),
    _i("report_export", "Sales", "training", "sales", "", [
        "How do I export sales orders to Excel?", "Export only selected fields of quotations",
        "Saving a favourite filter on quotations"], [
        "<p>I need every open sales order in Excel for my manager. How do I export them with "
        "only customer, amount and date?</p>"],
        "select the records in the list view, then Actions, Export, keep only the fields you "
        "need and save them as an export template",
        "Export templates help every sales team; sharing one for open orders."),
    _i("pos_closing", "Point of Sale", "defect", "sales", "", [
        "POS session cannot be closed: difference in cash",
        "Closing the POS session gives an accounting error",
        "POS closing stuck on 'Closing...'"], [
        "<p>The shop POS session from yesterday cannot be closed. Error about an unbalanced "
        "entry of {small} {cur}.</p>"],
        "close the session from the back office, Point of Sale, Sessions, and book the cash "
        "difference there",
        "The Cash payment method has no difference account; finance is adding it."),
    _i("pos_refund", "Point of Sale", "policy", "sales", "", [
        "POS refund without a receipt: cashier or store manager?",
        "Refund authority at the POS", "POS refund: back to the card or in cash?"], [
        "<p>A customer returned {product} at the shop without a receipt. Can the cashier "
        "refund it in cash from the POS session, or only a store manager?</p>"],
        "only store managers refund without a receipt, and always to the original card when "
        "it is known",
        "Store refund policy was not part of the POS design; asking the retail process "
        "owner."),
)

_OPERATIONS: tuple[Issue, ...] = (
    _i("reserve_stock", "Inventory", "defect", "inventory", "delivery", [
        "Delivery {delivery} cannot be reserved although stock exists",
        "Check Availability does nothing on delivery orders",
        "Stock shows {n} units but delivery {delivery} is waiting"], [
        "<p>{product} shows {n} units in stock in {wh} but delivery {delivery} stays in "
        "Waiting. Check Availability does not change anything.</p>"],
        "use Unreserve and then Check Availability on the delivery order",
        "Migrated stock sits in a location outside WH/Stock; reservations do not look there."),
    _i("backorder", "Inventory", "training", "inventory", "delivery", [
        "What happens if I choose No Backorder on a delivery order?",
        "Partial delivery: backorder question", "Backorder created by mistake on a picking"], [
        "<p>We shipped part of delivery order {delivery} and I clicked No Backorder by "
        "accident. Is the rest of the stock for that order lost now?</p>"],
        "the remaining quantity is cancelled, not lost: the sales order shows it as not "
        "delivered, so a new delivery order can be created from there",
        "Backorders were explained in the warehouse training; refreshing the job aid."),
    _i("warehouse_choice", "Inventory", "policy", "inventory", "order", [
        "Ship US orders from the Brussels warehouse?",
        "Which warehouse should serve {customer}?",
        "Inter-company stock transfer rule unclear"], [
        "<p>{customer} ordered a product that is only in stock in {wh} (sales order {order}). "
        "May we ship cross-border or should we wait for the local warehouse?</p>"],
        "the local warehouse serves its own country; cross-border shipping needs the logistics "
        "manager's approval",
        "Routes allow both warehouses; the logistics process owner has to set the rule."),
    _i("barcode_scan", "Inventory", "defect", "inventory", "receipt", [
        "Barcode app freezes on receipts", "Reading lot numbers gives an error on receipts",
        "Barcode: 'no product found' for a known EAN in stock"], [
        "<p>On receipt {receipt} every lot number we read with the scanner shows an error. "
        "We had to receive {n} pallets manually.</p>"],
        "enter the lot numbers by hand in the receipt's detailed operations until the barcode "
        "nomenclature is fixed",
        "The GS1 nomenclature is not active on the Brussels warehouse; configuring it."),
    _i("landed_costs", "Inventory", "training", "inventory", "receipt", [
        "How to add freight costs to a receipt?", "Landed costs not included in stock value",
        "Where do I book customs duties on a receipt?"], [
        "<p>We got receipt {receipt} and the freight bill came separately. How do I spread "
        "that cost over the products in stock?</p>"],
        "create a landed cost under Inventory, Operations, Landed Costs, pick the receipt "
        "and the freight bill, then Compute and Validate",
        "Landed costs are new for the warehouse team; adding them to the next session."),
    _i("po_approval", "Purchase", "policy", "inventory", "purchase", [
        "Purchase order approval: {threshold} {cur} per order or per line?",
        "Do purchase orders under {threshold} {cur} need manager approval?",
        "Second approval on RFQ unclear"], [
        "<p>The purchase policy says orders above {threshold} {cur} need a second approval. "
        "Is that the total including tax? Odoo compares the untaxed amount of purchase order "
        "{purchase}.</p>"],
        "the second approval applies above 10,000 EUR untaxed, per purchase order",
        "Purchase approval levels differ between the policy and the configuration."),
    _i("vendor_bill_match", "Purchase", "defect", "finance", "purchase", [
        "Vendor bill not matching purchase order quantities",
        "Bill control on purchase gives wrong quantities",
        "3-way match flags received goods on purchase orders"], [
        "<p>Purchase order {purchase} was received in full but the vendor bill says there is "
        "nothing to bill. Bill control is on received quantities.</p>"],
        "set the quantities on the bill lines by hand from the received quantities of the "
        "purchase order",
        "Received quantities were migrated without their stock moves; billing ignores them."),
    _i("mo_components", "Manufacturing", "defect", "manufacturing", "mo", [
        "Manufacturing order consumes wrong component quantity",
        "BoM quantities doubled on manufacturing order {mo}",
        "BoM components consumed twice"], [
        "<p>Manufacturing order {mo} consumed {n} units of {product} while the BoM says half "
        "of that. Stock is now negative.</p>"],
        "check the component quantities on the manufacturing order before you mark it as "
        "done",
        "The BoM was imported with the quantity per pack instead of per unit."),
    _i("work_center", "Manufacturing", "training", "manufacturing", "mo", [
        "How do I start a work order on the tablet?",
        "Shop floor: cannot register production on a work order",
        "Work order timer not starting"], [
        "<p>Operators on line {n} do not know how to start the work order of manufacturing "
        "order {mo} on the shop floor tablet. The button is greyed out.</p>"],
        "open the work order in the Shop Floor app, select the operator first, then press "
        "Start",
        "Operators of the second shift missed the shop floor training."),
    _i("scrap_policy", "Manufacturing", "policy", "manufacturing", "mo", [
        "Who can validate scrap above {units} units in production?",
        "Scrap approval rule missing for manufacturing orders",
        "Scrap write-off policy for production"], [
        "<p>A shift supervisor scrapped {n} units of {product} on manufacturing order {mo}. Is "
        "there an approval limit for scrap? Finance asks who authorised it.</p>"],
        "shift supervisors may scrap up to 20 units per manufacturing order; above that the plant "
        "manager approves",
        "Scrap limits are a manufacturing process owner decision."),
    _i("mrp_planning", "Manufacturing", "defect", "manufacturing", "mo", [
        "MRP replenishment suggests absurd quantities",
        "MRP creates duplicate manufacturing orders every night",
        "MRP scheduler runs twice"], [
        "<p>The MRP scheduler ran twice last night and created {n} duplicate manufacturing "
        "orders for {product}, for example manufacturing order {mo}. Planning is chaos this "
        "morning.</p>"],
        "cancel the duplicate manufacturing orders and run the scheduler by hand once a day "
        "until the scheduled action is fixed",
        "Two scheduled actions run the MRP scheduler since the migration; removing one."),
)

ISSUES: tuple[Issue, ...] = _FINANCE + _SALES + _OPERATIONS
BURST_KEYS = ("vat_pdf", "reserve_stock", "quote_email")
PRODUCTS = ("Steel bracket M8", "Conveyor belt 2m", "Hydraulic pump HP-40", "Control panel CP3",
            "Safety gloves L", "Pallet wrap 500m", "Bearing 6204-2RS", "Motor 1.5kW")
WAREHOUSES = ("Brussels WH", "Antwerp WH", "Chicago WH", "Houston WH")
