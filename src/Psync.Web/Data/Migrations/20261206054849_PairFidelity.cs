using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Psync.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PairFidelity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Acls",
                table: "Pairs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "Durable",
                table: "Pairs",
                type: "INTEGER",
                nullable: false,
                defaultValue: true); // existing pairs keep syncing to disk, as before the option

            migrationBuilder.AddColumn<bool>(
                name: "Xattrs",
                table: "Pairs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Acls",
                table: "Pairs");

            migrationBuilder.DropColumn(
                name: "Durable",
                table: "Pairs");

            migrationBuilder.DropColumn(
                name: "Xattrs",
                table: "Pairs");
        }
    }
}
